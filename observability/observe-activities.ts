/**
 * Wraps the activities that produce counts: after each, one log line with its outcome and, when the
 * worker exports metrics, the metrics of metrics.ts. Nothing here changes a result, and
 * a failure to measure freshness never fails a merge that has committed.
 */
import { Context } from '@temporalio/activity';
import type { FileBatchInput, FileBatchResult } from '../workflows/file-batch-types';
import type { ObjectStore } from '../stores/object/object-store';
import type { MergeOutcome } from '../stores/warehouse/warehouse';
import { whileHeartbeating } from '../activities/heartbeat';
import { freshnessOfManifest } from './freshness';
import { recordFileBatch, recordMerge } from './metrics';
import type { GroupMergeInput, TableMergeOutcome } from '../workflows/load-table-group-types';

export interface ObserveOptions {
  lake: ObjectStore;
  /** Record metrics (and read batch reports for freshness): the worker serves /metrics. */
  metrics: boolean;
}

interface Observed {
  processFileBatch: (input: FileBatchInput) => Promise<FileBatchResult>;
  mergeManifest: (input: { table: string; manifestKey: string }) => Promise<MergeOutcome & { seconds: number }>;
  mergeTableLoads: (input: GroupMergeInput) => Promise<TableMergeOutcome[]>;
}

export function observeActivities<A extends Observed>(activities: A, options: ObserveOptions): A {
  return {
    ...activities,
    async processFileBatch(input: FileBatchInput) {
      const result = await activities.processFileBatch(input);
      const context = Context.current();
      if (options.metrics) recordFileBatch(context.metricMeter, result);
      context.log.info('file batch staged', {
        records: result.records,
        valid: result.valid,
        duplicates: result.duplicates,
        rejected: result.rejected,
        erased: result.erased ?? 0,
        unknown: Object.values(result.unknown).reduce((a, b) => a + b, 0),
        skippedObjects: result.skippedObjects.length,
        staged: Object.fromEntries(result.staged.map((s) => [s.table, s.rows])),
        reportKey: result.reportKey,
        seconds: result.seconds,
        quarantined: result.quarantined.length,
      });
      for (const q of result.quarantined)
        context.log.warn('object quarantined', { objectKey: q.key, kind: q.kind, reason: q.reason });
      return result;
    },
    async mergeManifest(input: { table: string; manifestKey: string }) {
      const outcome = await activities.mergeManifest(input);
      await observeMerge(options, input.table, input.manifestKey, outcome, new Date());
      return outcome;
    },
    async mergeTableLoads(input: GroupMergeInput) {
      const outcomes = await activities.mergeTableLoads(input);
      for (const table of outcomes)
        for (const manifest of table.manifests)
          await observeMerge(options, table.table, manifest.manifestKey, manifest, new Date(manifest.committedAt));
      return outcomes;
    },
  };
}

/** A merged manifest's log line and, with metrics, its metrics and freshness (to its commit). */
async function observeMerge(
  options: ObserveOptions,
  table: string,
  manifestKey: string,
  outcome: MergeOutcome & { seconds: number },
  committedAt: Date,
): Promise<void> {
  const context = Context.current();
  let freshness: number[] = [];
  if (options.metrics && outcome.applied) {
    try {
      freshness = (await whileHeartbeating(() => freshnessOfManifest(options.lake, manifestKey, committedAt))).map(
        (f) => f.seconds,
      );
    } catch (error) {
      context.log.warn('freshness not measured: a batch report could not be read', { error });
    }
    recordMerge(context.metricMeter, table, outcome, freshness);
  }
  // Named here as well as by the interceptor: a group's merge activity has no single table in its input.
  context.log.info(outcome.applied ? 'manifest merged' : 'manifest merged by an earlier attempt (in the ledger)', {
    table,
    manifestKey,
    applied: outcome.applied,
    stagedRows: outcome.stagedRows,
    mergedRows: outcome.mergedRows,
    seconds: outcome.seconds,
    ...(freshness.length > 0 ? { freshnessSeconds: Math.max(...freshness) } : {}),
  });
}
