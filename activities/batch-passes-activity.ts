/**
 * Runs a batch's passes for processFileBatch: on one of the worker's batch threads when it has
 * them (workers/batch-threads/), else on the activity's own thread; heartbeating and cancelled
 * the same way either way.
 */
import { Context } from '@temporalio/activity';
import type { Catalog } from '../schemas/catalog';
import { catalogSourceOf } from '../schemas/catalog-source';
import type { BatchThreadPool } from '../workers/batch-threads/batch-thread-pool';
import { runBatchPasses, type BatchPassesJob, type BatchPassesResult } from './batch-passes';
import { whileHeartbeating } from './heartbeat';
import { replayCatalogVersion } from './replay-catalog';
import type { StoreCache } from './store-cache';

export interface BatchPassesDeps {
  catalog: Catalog;
  stores: StoreCache;
  /** The process's batch threads; absent: the activity's own thread runs the core. */
  threads?: BatchThreadPool;
}

export async function processPasses(deps: BatchPassesDeps, job: BatchPassesJob): Promise<BatchPassesResult> {
  const context = Context.current();
  // A catalog built in code (tests) has no source a thread could load it from.
  const source = catalogSourceOf(deps.catalog);
  if (deps.threads === undefined || source === undefined) {
    return runBatchPasses(deps.catalog, deps.stores.open(job.source), job, {
      progress(progress) {
        if ('finishing' in progress) return;
        context.heartbeat(progress);
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
      },
      finishing: (work) => whileHeartbeating(work),
    });
  }
  // Heartbeats of the activity's own while the job waits for a thread, the thread starts, and
  // the batch's files are finished; while objects are read, the reading's progress is the heartbeat,
  // so a read that hangs still times out as on the activity's thread.
  let timer: NodeJS.Timeout | undefined;
  const beatOnTimer = () => (timer ??= setInterval(() => context.heartbeat(), 1000));
  beatOnTimer();
  try {
    return await deps.threads.run(
      {
        ...job,
        catalog: source,
        catalogVersion: replayCatalogVersion(deps.catalog, undefined),
        storeScope: deps.stores.scope,
      },
      {
        signal: context.cancellationSignal,
        progress(progress) {
          if ('finishing' in progress) return void beatOnTimer();
          clearInterval(timer);
          timer = undefined;
          if ('object' in progress) context.heartbeat(progress);
        },
      },
    );
  } finally {
    clearInterval(timer);
  }
}
