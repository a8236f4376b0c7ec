/** Activity options keep the values the workflows wrote out before they were gathered: histories replay on them. */
import { expect, test } from 'vitest';
import {
  fileBatchActivityOptions,
  FILE_BATCH_NON_RETRYABLE,
  LISTING_ACTIVITY_OPTIONS,
  LOAD_TABLE_NON_RETRYABLE,
  mergeActivityOptions,
  quickActivityOptions,
  REPLAY_NON_RETRYABLE,
  TABLE_NON_RETRYABLE,
} from '../../workflows/activity-options';

test('failure types that stop retries', () => {
  expect(FILE_BATCH_NON_RETRYABLE).toEqual(['UnreadableObject', 'MissingObject', 'InvalidBatch']);
  expect(LOAD_TABLE_NON_RETRYABLE).toEqual(['UnknownTable', 'RefusedMigration']);
  expect(REPLAY_NON_RETRYABLE).toEqual(['UnknownTable', 'InvalidReplay']);
  expect(TABLE_NON_RETRYABLE).toEqual(['UnknownTable']);
});

test('each kind of activity keeps its timeouts and retry policy', () => {
  expect(fileBatchActivityOptions()).toEqual({
    startToCloseTimeout: '2h',
    heartbeatTimeout: '60s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 20,
      nonRetryableErrorTypes: ['UnreadableObject', 'MissingObject', 'InvalidBatch'],
    },
  });
  expect(fileBatchActivityOptions('5s').heartbeatTimeout).toBe('5s');
  expect(quickActivityOptions('2m', ['UnknownTable'])).toEqual({
    startToCloseTimeout: '30m',
    heartbeatTimeout: '2m',
    retry: {
      initialInterval: '1s',
      maximumInterval: '1m',
      maximumAttempts: 20,
      nonRetryableErrorTypes: ['UnknownTable'],
    },
  });
  expect(mergeActivityOptions('2m', ['UnknownTable'])).toEqual({
    startToCloseTimeout: '2h',
    heartbeatTimeout: '2m',
    retry: {
      initialInterval: '5s',
      maximumInterval: '2m',
      maximumAttempts: 20,
      nonRetryableErrorTypes: ['UnknownTable'],
    },
  });
  expect(LISTING_ACTIVITY_OPTIONS).toEqual({
    startToCloseTimeout: '10m',
    heartbeatTimeout: '1m',
    retry: { initialInterval: '1s', maximumInterval: '1m' },
  });
});
