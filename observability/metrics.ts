/**
 * Loadout's Prometheus metrics, recorded from activity results on the activity Context's meter:
 * the worker's Temporal Runtime exports them beside the SDK's own on `--metrics-port`, and adds
 * namespace, taskQueue, activityType and (as a global tag) environment to every series.
 */
import type { MetricMeter } from '@temporalio/common';
import type { MergeOutcome } from '../stores/warehouse/warehouse';
import type { FileBatchResult } from '../workflows/file-batch-types';

/** Names as exported (counters get `_total` from the exporter). */
export const METRIC = {
  batches: 'loadout_batches',
  objects: 'loadout_objects_processed',
  skippedObjects: 'loadout_objects_skipped',
  quarantinedObjects: 'loadout_objects_quarantined',
  events: 'loadout_events_processed',
  rejected: 'loadout_events_rejected',
  duplicates: 'loadout_events_duplicates',
  erased: 'loadout_events_erased',
  unknown: 'loadout_events_unknown',
  stagedRows: 'loadout_staged_rows',
  stagedBytes: 'loadout_staged_bytes',
  loadDuration: 'loadout_load_duration_seconds',
  loadedRows: 'loadout_loaded_rows',
  freshness: 'loadout_freshness_seconds',
} as const;

/**
 * Bucket bounds in seconds; the exporter's defaults suit millisecond latencies. Loads take seconds
 * to minutes; freshness spans minutes (near-real-time) to a day and more (daily playtest loads).
 */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [METRIC.loadDuration]: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  [METRIC.freshness]: [60, 300, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400, 172_800, 604_800],
};

export function recordFileBatch(meter: MetricMeter, result: FileBatchResult): void {
  meter.createCounter(METRIC.batches, undefined, 'File batches processed').add(1);
  meter.createCounter(METRIC.objects, undefined, 'Raw objects read by file batches').add(result.objects);
  meter
    .createCounter(METRIC.skippedObjects, undefined, 'Raw objects skipped: an earlier batch had staged them')
    .add(result.skippedObjects.length);
  const quarantined = meter.createCounter(
    METRIC.quarantinedObjects,
    undefined,
    'Raw objects that could not be read, per kind (recorded under quarantine/)',
  );
  for (const q of result.quarantined ?? []) quarantined.add(1, { kind: q.kind });
  meter
    .createCounter(METRIC.events, undefined, 'Records read from raw objects (valid, duplicate, rejected or unknown)')
    .add(result.records);
  meter
    .createCounter(METRIC.rejected, undefined, 'Records that failed validation (kept in rejects/)')
    .add(result.rejected);
  meter
    .createCounter(METRIC.duplicates, undefined, 'Valid records dropped as duplicates of a unique key within a batch')
    .add(result.duplicates);
  meter
    .createCounter(METRIC.erased, undefined, 'Records of erased players, dropped (loadout erase)')
    .add(result.erased ?? 0);
  const unknown = Object.values(result.unknown).reduce((a, b) => a + b, 0);
  meter
    .createCounter(METRIC.unknown, undefined, 'Records of event types no schema declares (kept in unknown/)')
    .add(unknown);
  const rows = meter.createCounter(METRIC.stagedRows, undefined, 'Rows staged to Parquet, per table');
  const bytes = meter.createCounter(METRIC.stagedBytes, 'By', 'Bytes of staged Parquet files, per table');
  for (const staged of result.staged) {
    rows.add(staged.rows, { table: staged.table });
    bytes.add(staged.bytes, { table: staged.table });
  }
}

/** One merged manifest; `freshness` holds one value per batch whose rows it loaded, in seconds. */
export function recordMerge(
  meter: MetricMeter,
  table: string,
  outcome: MergeOutcome & { seconds: number },
  freshness: readonly number[],
): void {
  // A manifest the ledger already held changed nothing: neither a load nor fresh rows.
  if (!outcome.applied) return;
  meter
    .createHistogram(METRIC.loadDuration, 'float', 's', 'COPY, merge and ledger row of one manifest, per table')
    .record(outcome.seconds, { table });
  meter
    .createCounter(METRIC.loadedRows, undefined, 'Rows of the target table added or replaced by merges, per table')
    .add(outcome.mergedRows, { table });
  const histogram = meter.createHistogram(
    METRIC.freshness,
    'float',
    's',
    'From raw object creation to its rows committed in the warehouse, per table',
  );
  for (const seconds of freshness) histogram.record(seconds, { table });
}
