/** Errors of the processing core that callers tell apart: input faults, which no retry fixes. */

/** Why an object cannot be read at all, as the core finds it (see core/quarantine.ts for the rest). */
export type UnreadableKind = 'corrupt-compression' | 'unsupported-compression' | 'not-text';

/** The object is not gzip or text at all (corrupt gzip, another compression, binary): retrying cannot help. */
export class UnreadableObjectError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
    readonly kind: UnreadableKind = 'not-text',
  ) {
    super(`${source}: unreadable object: ${reason}`);
    this.name = 'UnreadableObjectError';
  }
}

/**
 * The core threw while handling a line of an object: something in the data that a check missed.
 * The object is quarantined with the line, never retried: the same bytes would throw again.
 */
export class LineHandlingError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly error: unknown,
  ) {
    super(
      `${source}: line ${line}: the processing core failed on this line: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
    this.name = 'LineHandlingError';
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

/** An object most of whose lines are not UTF-8 or hold NUL bytes: not text as a whole. */
export function notTextError(source: string, notText: number, records: number): UnreadableObjectError {
  return new UnreadableObjectError(
    source,
    `not UTF-8 text: ${notText} of its first ${records} lines are not UTF-8 or hold NUL bytes`,
    'not-text',
  );
}
