/** Errors sent across the thread boundary as data come back with their class and their own fields. */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, test } from 'vitest';
import { readFaultOf } from '../../../activities/object-faults';
import { UnreadableObjectError } from '../../../core/errors';
import { InvalidKeyError, ObjectNotFoundError } from '../../../stores/object/object-store';
import { reviveError, serializeError } from '../../../workers/batch-threads/thread-errors';

/** What a thread's error becomes on the activity side: through structured clone, as postMessage sends it. */
const across = (error: unknown) => reviveError(structuredClone(serializeError(error)));

describe('errors across threads', () => {
  test('store errors keep their class, so the object faults read the same', () => {
    const missing = across(new ObjectNotFoundError('/raw', 'a/b.gz'));
    expect(missing).toBeInstanceOf(ObjectNotFoundError);
    expect(missing.message).toBe('object not found: a/b.gz in /raw');
    expect(readFaultOf(missing, 'a/b.gz')?.kind).toBe('missing');
    expect(across(new InvalidKeyError('a\nb', 'a newline'))).toBeInstanceOf(InvalidKeyError);
    const unreadable = across(new UnreadableObjectError('a.gz', 'bad gzip', 'corrupt-compression'));
    expect(unreadable).toBeInstanceOf(UnreadableObjectError);
    expect((unreadable as UnreadableObjectError).kind).toBe('corrupt-compression');
  });

  test('an AWS SDK error keeps its name, code and status: access denied stays a permission fault', () => {
    const denied = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      Code: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const back = across(denied);
    expect(back.name).toBe('AccessDenied');
    expect((back as unknown as { $metadata: unknown }).$metadata).toEqual({ httpStatusCode: 403 });
    expect(readFaultOf(back, 'k')).toMatchObject({ kind: 'unreadable', permission: true });
    const reset = across(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    expect(readFaultOf(reset, 'k')).toBeUndefined();
    expect((reset as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  test('an ApplicationFailure keeps its type and whether it is retryable; causes come along', () => {
    const failure = across(ApplicationFailure.nonRetryable('no objects', 'INVALID_BATCH'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('INVALID_BATCH');
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    const wrapped = across(
      new Error('write failed', { cause: Object.assign(new Error('disk full'), { code: 'ENOSPC' }) }),
    );
    expect((wrapped.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
  });
});
