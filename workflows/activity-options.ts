/**
 * How the workflows call their activities: timeouts and retry policies in one place. Transient
 * faults (S3 5xx, a dropped connection) retry with backoff; the failure types of failure-types.ts
 * that no retry fixes stop at once. Every activity heartbeats, so a lost worker's work moves to
 * another after the heartbeat timeout.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import {
  INVALID_BATCH,
  INVALID_REPLAY,
  MISSING_OBJECT,
  REFUSED_MIGRATION,
  UNKNOWN_TABLE,
  UNREADABLE_OBJECT,
} from './failure-types';

/** How soon a vanished worker's activity is retried elsewhere, unless the input says (tests shorten it). */
export const DEFAULT_LOST_WORKER_TIMEOUT = '2m';

/** 1 s doubling to 1 min between attempts, 20 attempts: about a quarter of an hour of outage. */
const RETRY_FOR_MINUTES = { initialInterval: '1s', maximumInterval: '1m', maximumAttempts: 20 } as const;

/** What no retry fixes in a file batch; the unreadable and missing kinds stay for older workers. */
export const FILE_BATCH_NON_RETRYABLE = [UNREADABLE_OBJECT, MISSING_OBJECT, INVALID_BATCH];
/** What no retry fixes in loadTable's activities. */
export const LOAD_TABLE_NON_RETRYABLE = [UNKNOWN_TABLE, REFUSED_MIGRATION];
/** What no retry fixes in replay's listing. */
export const REPLAY_NON_RETRYABLE = [UNKNOWN_TABLE, INVALID_REPLAY];
/** What no retry fixes in load's and schemaMigration's activities: a table no schema declares. */
export const TABLE_NON_RETRYABLE = [UNKNOWN_TABLE];

/** processFileBatch: up to 2 h for a batch, heartbeating throughout. */
export function fileBatchActivityOptions(heartbeatTimeout = '60s'): ActivityOptions {
  return {
    startToCloseTimeout: '2h',
    heartbeatTimeout,
    retry: { ...RETRY_FOR_MINUTES, backoffCoefficient: 2, nonRetryableErrorTypes: FILE_BATCH_NON_RETRYABLE },
  };
}

/** Activities that take minutes: listing, planning, manifests, DDL, archiving. */
export function quickActivityOptions(heartbeatTimeout: string, nonRetryableErrorTypes: string[]): ActivityOptions {
  return { startToCloseTimeout: '30m', heartbeatTimeout, retry: { ...RETRY_FOR_MINUTES, nonRetryableErrorTypes } };
}

/** Merges: up to 2 h, and slower retries (5 s doubling to 2 min) that give a busy warehouse room. */
export function mergeActivityOptions(heartbeatTimeout: string, nonRetryableErrorTypes: string[]): ActivityOptions {
  return {
    startToCloseTimeout: '2h',
    heartbeatTimeout,
    retry: { initialInterval: '5s', maximumInterval: '2m', maximumAttempts: 20, nonRetryableErrorTypes },
  };
}

/** discoverByListing's listing: retried without limit, since discovery must outlast any outage. */
export const LISTING_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
};
