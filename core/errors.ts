/** Errors of the processing core that callers tell apart: an object that cannot be read at all. */

/** The object is not gzip or text at all (corrupt gzip, binary): retrying cannot help. */
export class UnreadableObjectError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`${source}: unreadable object: ${reason}`);
    this.name = 'UnreadableObjectError';
  }
}

/**
 * The message at the bottom of an error's cause chain: Temporal wraps a failure as
 * WorkflowFailedError -> ChildWorkflowFailure -> ActivityFailure -> ApplicationFailure, and only
 * the last one names the object and the fault. Pure, so workflows use it too.
 */
export function innermostMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
