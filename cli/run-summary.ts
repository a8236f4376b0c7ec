/** The summary of a run: what `loadout run --json` prints, built from the batches' results. */
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import { increment, type RunStats } from '../core/run-stats';
import type { IngestOutcome } from './ingest';
import { readQuarantineRecords } from './quarantine-records';

export interface RunSummary {
  files: number;
  batches: number;
  /** Of `batches`, those an earlier run had completed: their counts are that run's, nothing was processed now. */
  batchesCompletedEarlier: number;
  records: number;
  valid: number;
  /** Rows per table: staged by this run's batches (new or earlier), or in the warehouse once a load ran. */
  tables: Record<string, number>;
  /** Rows per table staged by the batches this run processed itself. */
  stagedNow: Record<string, number>;
  /** Copies of a key dropped inside a batch before staging; copies across batches are merged away by the load. */
  duplicates: number;
  rejected: number;
  /** Records of erased players the batches dropped (`loadout erase`). */
  erased: number;
  rejectedByReason: Record<string, number>;
  unknown: Record<string, number>;
  drift: { event: string; attribute: string; count: number }[];
  skippedObjects: number;
  failures: IngestOutcome['failures'];
  /** Objects this run's batches could not read: recorded in quarantine/, the rest of their batches staged. */
  quarantined: { key: string; kind: string; reason: string }[];
}

export async function summariseIngest(outcome: IngestOutcome, lake: ObjectStore): Promise<RunSummary> {
  const summary: RunSummary = {
    files: outcome.files,
    batches: outcome.batches.length,
    batchesCompletedEarlier: outcome.completedEarlier.length,
    records: 0,
    valid: 0,
    tables: {},
    stagedNow: {},
    duplicates: 0,
    rejected: 0,
    erased: 0,
    rejectedByReason: {},
    unknown: {},
    drift: [],
    skippedObjects: 0,
    failures: outcome.failures,
    quarantined: [],
  };
  // Keys are data (event names, reasons): increment keeps to own properties, so `__proto__` counts like any name.
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) increment(into, k, v);
  };
  const earlier = new Set(outcome.completedEarlier);
  for (const batch of outcome.batches) {
    if (!earlier.has(batch.batchId))
      for (const staged of batch.staged) add(summary.stagedNow, { [staged.table]: staged.rows });
    summary.records += batch.records;
    summary.valid += batch.valid;
    summary.duplicates += batch.duplicates;
    summary.rejected += batch.rejected;
    summary.erased += batch.erased ?? 0;
    summary.skippedObjects += batch.skippedObjects.length;
    add(summary.unknown, batch.unknown);
    for (const staged of batch.staged) add(summary.tables, { [staged.table]: staged.rows });
    // Reasons and drift live in the batch report: workflow results carry counts only.
    const report = await readJson<{ stats: RunStats }>(lake, batch.reportKey);
    add(summary.rejectedByReason, report.stats.rejectedByReason);
    for (const d of report.stats.drift) {
      const seen = summary.drift.find((x) => x.event === d.event && x.attribute === d.attribute);
      if (seen) seen.count += d.count;
      else summary.drift.push({ event: d.event, attribute: d.attribute, count: d.count });
    }
  }
  // Still open: a record of an earlier run of the same batch counts too, until its object is processed again.
  const batchIds = new Set(outcome.batches.map((b) => b.batchId));
  for (const r of await readQuarantineRecords(lake))
    if (batchIds.has(r.batchId)) summary.quarantined.push({ key: r.key, kind: r.kind, reason: r.reason });
  for (const o of outcome.unprocessable)
    summary.quarantined.push({ key: o.key, kind: 'invalid-key', reason: o.reason });
  summary.quarantined.sort((a, b) => (a.key < b.key ? -1 : 1));
  summary.drift.sort((a, b) => (a.event + a.attribute < b.event + b.attribute ? -1 : 1));
  return summary;
}
