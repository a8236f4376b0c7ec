/** What `loadout run` does (its flags and help: cli/commands/run.ts), loaded only when it runs. */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { overridesFrom } from '../config-flags';
import { ingestLocation } from '../ingest';
import { CommandError, formatTable, oneLine, printJson, printText, progressReporter } from '../output';
import { openRuntime } from '../runtime';
import { summariseIngest, type RunSummary } from '../run-summary';
import { runLoad, warehouseRowCounts, type LoadOutcome } from '../load-runner';
import { failedTableLines } from '../load-failures';
import { StatusLine } from '../status-line';
import { startExtraWorkers } from '../extra-workers';
import { defaultBatchThreads } from '../../workers/batch-threads/batch-thread-pool';

export interface RunTimings {
  total_s: number;
  /** Listing, starting and awaiting the fileBatch workflows. */
  ingest_s: number;
  /** Sum of the processing activities' own time, for the batches processed now (they run up to the worker's concurrency at once). */
  process_activity_s: number;
  /** The load workflow, start to result. */
  load_s: number;
  /** Sum of the merge activities' own time. */
  merge_activity_s: number;
  /** Connecting, the dev server, the worker's start and shutdown. */
  setup_s: number;
}

export type PipelineSummary = RunSummary & {
  staged: Record<string, number>;
  /** What the load merged, and the tables it failed to load with their reasons. */
  load: LoadOutcome;
  timings: RunTimings;
  /** The Temporal UI, when the embedded dev server ran the pipeline. */
  temporalUi?: string;
};

export async function runPipeline(
  location: string,
  config: ReturnType<typeof loadConfig>,
  view: { progress: boolean; workers?: number },
): Promise<PipelineSummary> {
  // A typo in a local path would otherwise list nothing and report an empty success.
  if (!location.startsWith('s3://') && !existsSync(location))
    throw new CommandError(
      `no such directory: ${location} (the raw objects to ingest: a directory or s3://bucket/prefix)`,
    );
  const t0 = performance.now();
  const runtime = await openRuntime(config);
  try {
    const source = openObjectStore(location);
    const lake = openObjectStore(config.lake);
    let ingestMs = 0;
    let loadMs = 0;
    const { outcome, load } = await runtime.withWorker(async () => {
      const t1 = performance.now();
      const workers = view.workers ?? 1;
      // Only for the batches: the load stays in this process (a DuckDB file has one writer process).
      const extra = workers > 1 ? startExtraWorkers(workers - 1, config, runtime) : undefined;
      const outcome = await ingestLocation({
        client: runtime.client,
        taskQueue: config.temporal.taskQueue,
        source,
        limits: { maxObjects: config.discovery.batchObjects, maxBytes: config.discovery.batchBytes },
        environment: config.env,
        lake,
        onProgress: view.progress ? progressReporter('file batches') : undefined,
        // Other processes need batches whatever the size; a second thread only when its share is worth a batch.
        minBatches: workers > 1 ? workers * Math.max(2, batchesAtOnce(config)) : batchesAtOnce(config),
        minBatchBytes: workers > 1 ? undefined : THREAD_BATCH_MIN_BYTES,
      }).finally(() => extra?.stop());
      ingestMs = performance.now() - t1;
      const t2 = performance.now();
      const load = await runLoad(
        runtime.client,
        config,
        `run:${source.location}:${outcome.batches
          .map((b) => b.batchId)
          .sort()
          .join(',')}`,
        undefined,
        view.progress ? new StatusLine() : undefined,
      );
      loadMs = performance.now() - t2;
      return { outcome, load };
    });
    const summary = await summariseIngest(outcome, lake);
    const tables = await warehouseRowCounts(config, runtime.catalog);
    const total = performance.now() - t0;
    const round = (ms: number) => Math.round(ms) / 1000;
    const timings: RunTimings = {
      total_s: round(total),
      ingest_s: round(ingestMs),
      process_activity_s: round(
        outcome.batches
          .filter((b) => !outcome.completedEarlier.includes(b.batchId))
          .reduce((n, b) => n + b.seconds * 1000, 0),
      ),
      load_s: round(loadMs),
      merge_activity_s: round(
        load.tables.reduce((n, t) => n + t.manifests.reduce((m, x) => m + x.seconds * 1000, 0), 0),
      ),
      setup_s: round(total - ingestMs - loadMs),
    };
    return { ...summary, staged: summary.tables, tables, load, timings, temporalUi: runtime.uiUrl };
  } finally {
    await runtime.close();
  }
}

/**
 * `--workers N` runs N processes on this machine: unless the batch threads are set, they share its
 * cores (one thread a core each would run N threads a core, each with its batch's memory).
 */
export function threadsPerProcess(
  config: ReturnType<typeof loadConfig>,
  workers: number,
): ReturnType<typeof loadConfig> {
  if (workers <= 1 || config.worker.batchThreads !== undefined) return config;
  const batchThreads = Math.max(1, Math.floor(defaultBatchThreads() / workers));
  return { ...config, worker: { ...config.worker, batchThreads } };
}

/**
 * Raw bytes (as listed, compressed) a batch split off for a thread must hold: below that, a second
 * batch's fixed costs (its workflow, its staged files and merges per table) outweigh a second core.
 */
const THREAD_BATCH_MIN_BYTES = 8 << 20;

/**
 * Batches one worker process runs at once: one per batch thread, up to its activity concurrency,
 * so a run of enough objects gives every thread a batch; one without threads. Beside other
 * processes, at least two (one computing while the other reads or writes).
 */
function batchesAtOnce(config: ReturnType<typeof loadConfig>): number {
  const threads = config.worker.batchThreads ?? defaultBatchThreads();
  return Math.max(1, Math.min(threads, config.worker.maxConcurrentActivities));
}

export function printRunSummary(summary: PipelineSummary): void {
  const out: string[] = [];
  out.push(...headline(summary));
  const merged = new Map(summary.load.tables.map((t) => [t.table, t.manifests.reduce((n, m) => n + m.mergedRows, 0)]));
  out.push(
    '',
    formatTable([
      ['table', 'staged now', 'staged earlier', 'changed by this load', 'rows in warehouse'],
      ...Object.keys({ ...summary.staged, ...summary.tables })
        .sort()
        .map(
          (t) =>
            [
              t,
              summary.stagedNow[t] ?? 0,
              (summary.staged[t] ?? 0) - (summary.stagedNow[t] ?? 0),
              merged.get(t) ?? 0,
              summary.tables[t] ?? 0,
            ] as [string, number, number, number, number],
        ),
    ]),
  );
  if (summary.rejected > 0) {
    out.push(
      '',
      formatTable([
        ['rejected because', 'records'],
        ...Object.entries(summary.rejectedByReason)
          .sort((a, b) => b[1] - a[1])
          .map(([r, n]) => [r, n] as [string, number]),
      ]),
    );
  }
  if (Object.keys(summary.unknown).length > 0) {
    out.push(
      '',
      formatTable([
        ['unknown event', 'records'],
        ...Object.entries(summary.unknown)
          .sort()
          .map(([t, n]) => [t, n] as [string, number]),
      ]),
    );
  }
  if (summary.drift.length > 0) {
    out.push(
      '',
      formatTable([
        ['event', 'undeclared attribute', 'records'],
        ...summary.drift.map((d) => [d.event, d.attribute, d.count] as [string, string, number]),
      ]),
    );
  }
  for (const f of summary.failures) out.push('', `FAILED ${oneLine(f.workflowId)}: ${oneLine(f.message)}`);
  for (const q of summary.quarantined) out.push('', `QUARANTINED ${oneLine(q.key)} (${q.kind}): ${oneLine(q.reason)}`);
  out.push(...failedTableLines(summary.load.failed));
  const t = summary.timings;
  out.push(
    '',
    `time: ${t.total_s} s in all; ingest ${t.ingest_s} s (processing activities ${t.process_activity_s} s), load ${t.load_s} s (merges ${t.merge_activity_s} s), setup ${t.setup_s} s`,
  );
  printText(out);
}

/** What the batches hold, saying which were processed now and which an earlier run had done. */
function headline(summary: PipelineSummary): string[] {
  const now = summary.batches - summary.batchesCompletedEarlier;
  const batches =
    summary.batchesCompletedEarlier === 0
      ? `${summary.batches} ${summary.batches === 1 ? 'batch' : 'batches'}`
      : `${summary.batches} ${summary.batches === 1 ? 'batch' : 'batches'} (${now} processed now, ${summary.batchesCompletedEarlier} done by an earlier run: their counts are that run's)`;
  return [
    `${summary.files} raw objects in ${batches}: ${summary.records} records, ${summary.valid} valid, ${summary.rejected} rejected${summary.erased > 0 ? `, ${summary.erased} of erased players dropped` : ''}`,
    `duplicates: ${summary.duplicates} dropped within batches; copies across batches and loads are merged on the key (rows in warehouse)`,
  ];
}

export async function runCommand(location: string | undefined, options: Record<string, unknown>): Promise<void> {
  const config = loadConfig({ ...overridesFrom(options), ...(location ? { raw: location } : {}) });
  const workers = Number(options.workers);
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > 64)
    throw new CommandError(`--workers must be a whole number within 1-64, got ${String(options.workers)}`);
  const summary = await runPipeline(config.raw, threadsPerProcess(config, workers), {
    progress: !options.json,
    workers,
  });
  if (options.json) printJson(summary);
  else printRunSummary(summary);
  if (summary.failures.length > 0)
    throw new CommandError(`${summary.failures.length} batch(es) failed: ${summary.failures[0]!.message}`);
  if (summary.load.failed.length > 0)
    throw new CommandError(
      `${summary.load.failed.length} table(s) failed to load: ${summary.load.failed[0]!.table}: ${summary.load.failed[0]!.reason.split('\n')[0]}`,
    );
  if (summary.quarantined.length > 0) {
    throw new CommandError(
      `${summary.quarantined.length} object(s) quarantined, the rest loaded: ${summary.quarantined[0]!.reason} (loadout status lists them, loadout status ack acknowledges)`,
    );
  }
}
