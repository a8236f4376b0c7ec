/**
 * replay: the raw objects of a time window -> child fileBatch runs (bounded concurrency, optionally
 * only some tables) -> a load of the affected tables. Continues as new on long windows; its
 * progress answers the `progress` query.
 */
import {
  ParentClosePolicy,
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { LoadoutActivities } from '../activities';
import { innermostMessage } from '../core/errors';
import { fileBatch } from './file-batch';
import { load } from './load';
import type { ReplayCarried, ReplayInput, ReplayProgress, ReplayResult } from './replay-types';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE, LOADOUT_TABLES } from './search-attributes';
import { searchAttributeTables } from './search-attribute-values';
import { replayLoadWorkflowId } from './workflow-ids';
import { DEFAULT_LOST_WORKER_TIMEOUT, quickActivityOptions, REPLAY_NON_RETRYABLE } from './activity-options';
import { REPLAY_BATCHES_FAILED } from './failure-types';
import { forEachBounded } from './for-each-bounded';

export const replayProgressQuery = defineQuery<ReplayProgress>('progress');

/** Failures kept in the workflow's state: the rest are counted (and findable by search attribute). */
const MAX_FAILURES_KEPT = 20;

export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { listReplayObjects } = proxyActivities<LoadoutActivities>(
    quickActivityOptions(input.lostWorkerTimeout ?? DEFAULT_LOST_WORKER_TIMEOUT, REPLAY_NON_RETRYABLE),
  );
  const state: ReplayCarried = input.carried ?? {
    progress: {
      phase: 'processing',
      scanned: 0,
      objects: 0,
      batches: 0,
      batchesDone: 0,
      batchesAlreadyDone: 0,
      batchesFailed: 0,
      rowsStaged: {},
      continuedAsNew: 0,
    },
    failures: [],
  };
  const { progress } = state;
  setHandler(replayProgressQuery, () => progress);
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'replaying' },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
    ...(input.tables ? [{ key: LOADOUT_TABLES, value: searchAttributeTables(input.tables) }] : []),
  ]);
  try {
    for (let page = 0; ; page++) {
      if (page >= (input.pagesPerRun ?? 10) || workflowInfo().continueAsNewSuggested) {
        progress.continuedAsNew++;
        return await continueAsNew<typeof replay>({ ...input, carried: state });
      }
      const listed = await listReplayObjects({
        source: input.source,
        environment: input.environment,
        from: input.from,
        to: input.to,
        tables: input.tables,
        startAfter: progress.lastKey,
        limit: input.pageSize ?? 500,
        batchObjects: input.batchObjects ?? 16,
        batchBytes: input.batchBytes ?? 256 * 1024 * 1024,
      });
      progress.scanned += listed.scanned;
      progress.objects += listed.batches.reduce((n, b) => n + b.objects.length, 0);
      progress.batches += listed.batches.length;
      await forEachBounded(listed.batches, input.maxParallel ?? 4, async (batch) => {
        try {
          const result = await executeChild(fileBatch, {
            workflowId: batch.workflowId,
            args: [
              {
                source: input.source,
                objects: batch.objects,
                tables: input.tables,
                environment: input.environment,
                replay: { catalogVersion: listed.catalogVersion },
              },
            ],
            taskQueue: workflowInfo().taskQueue,
            // Done before under the same schemas: its staged output stands, and it is not run twice.
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          });
          progress.batchesDone++;
          for (const s of result.staged) {
            progress.rowsStaged[s.table] = (progress.rowsStaged[s.table] ?? 0) + s.rows;
          }
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            progress.batchesAlreadyDone++;
            return;
          }
          progress.batchesFailed++;
          if (state.failures.length < MAX_FAILURES_KEPT)
            state.failures.push({ workflowId: batch.workflowId, message: innermostMessage(error) });
        }
      });
      progress.lastKey = listed.lastKey;
      if (listed.exhausted) break;
    }

    let loaded: ReplayResult['load'];
    // The affected tables: those the batches staged rows for.
    const tables = input.tables ?? Object.keys(progress.rowsStaged).sort();
    if (input.load !== false && tables.length > 0) {
      progress.phase = 'loading';
      upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loading' }]);
      loaded = await executeChild(load, {
        workflowId: replayLoadWorkflowId(workflowInfo().workflowId),
        args: [{ environment: input.environment, tables, lostWorkerTimeout: input.lostWorkerTimeout }],
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
    }
    if (progress.batchesFailed > 0) {
      throw ApplicationFailure.nonRetryable(
        `${progress.batchesFailed} of ${progress.batches} replay batches failed (the others were loaded): ${state.failures.map((f) => `${f.workflowId}: ${f.message}`).join('; ')}`,
        REPLAY_BATCHES_FAILED,
      );
    }
    progress.phase = 'done';
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'replayed' }]);
    return { progress, failures: state.failures, load: loaded };
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    progress.phase = 'failed';
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    throw error;
  }
}
