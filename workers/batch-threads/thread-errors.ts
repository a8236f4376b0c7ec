/**
 * Errors across the thread boundary: structured clone keeps an Error's message but not its class
 * or its own fields (an AWS error's `name`, `code`, `$metadata`), which decide what the activity
 * retries and how the object faults read. Sent as plain data and rebuilt with the same class.
 */
import { ApplicationFailure } from '@temporalio/common';
import { LineHandlingError, UnreadableObjectError } from '../../core/errors';
import { InvalidKeyError, ObjectNotFoundError } from '../../stores/object/object-store';

export interface SerializedError {
  /** The constructor's name, rebuilt when it is one of KNOWN. */
  className: string;
  name: string;
  message: string;
  stack?: string;
  /** Own fields with cloneable values (code, $metadata, key, location, type, nonRetryable...). */
  fields: Record<string, unknown>;
  cause?: SerializedError;
}

/** Classes whose instances callers tell apart with instanceof. */
const KNOWN: Record<string, { prototype: Error }> = {
  ObjectNotFoundError,
  InvalidKeyError,
  UnreadableObjectError,
  LineHandlingError,
  TypeError,
  RangeError,
};

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { className: 'Error', name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause' || typeof value === 'function') continue;
    try {
      fields[key] = structuredClone(value);
    } catch {
      // A field that cannot cross (a socket, a stream) is left behind.
    }
  }
  return {
    className: error.constructor?.name ?? 'Error',
    name: error.name,
    message: error.message,
    stack: error.stack,
    fields,
    ...(error.cause !== undefined && depth < 8 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

export function reviveError(data: SerializedError): Error {
  const cause = data.cause === undefined ? undefined : reviveError(data.cause);
  if (data.className === 'ApplicationFailure') {
    const f = data.fields as { type?: string | null; nonRetryable?: boolean | null; details?: unknown[] };
    return ApplicationFailure.create({
      message: data.message,
      type: f.type ?? undefined,
      nonRetryable: f.nonRetryable ?? false,
      details: f.details ?? undefined,
      cause,
    });
  }
  const known = KNOWN[data.className];
  const error = Object.create(known?.prototype ?? Error.prototype) as Error;
  Object.defineProperty(error, 'message', { value: data.message, writable: true, configurable: true });
  Object.assign(error, data.fields);
  error.name = data.name;
  if (data.stack !== undefined)
    Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true });
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  return error;
}
