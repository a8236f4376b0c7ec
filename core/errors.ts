/** Errors of the processing core that callers tell apart: an object that cannot be read at all. */

/** The object is not gzip or text at all (corrupt gzip, binary): retrying cannot help. */
export class UnreadableObjectError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`${source}: unreadable object: ${reason}`);
    this.name = 'UnreadableObjectError';
  }
}
