/** Measures the processing core over a directory of raw files: gzip JSON lines to staged Parquet. */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchProcessor } from '../core/batch-processor';
import { planBatches } from '../core/plan-batches';
import { randomPersonalKeys } from '../core/personal/random-keys';
import { emptyStats, mergeStats, type RunStats } from '../core/run-stats';
import type { Catalog } from '../schemas/catalog';
import { openObjectStore } from '../stores/object/open-object-store';
import { listRawObjects } from './ingest';

export interface CoreBenchResult {
  files: number;
  batches: number;
  /** Records read, duplicates, rejected and unknown included. */
  events: number;
  rows_staged: number;
  seconds: number;
  events_per_sec: number;
  /** Input bytes as stored (gzip), per second. */
  mb_per_sec: number;
  /** Decompressed JSON bytes per second. */
  decoded_mb_per_sec: number;
  cpu_seconds: number;
  peak_rss_mb: number;
  input_mb: number;
  stats: Pick<RunStats, 'duplicates' | 'rejected' | 'valid' | 'events' | 'unknown'>;
}

export async function benchCore(catalog: Catalog, inputDir: string, batchObjects: number): Promise<CoreBenchResult> {
  const store = openObjectStore(inputDir);
  const objects = await listRawObjects(store);
  if (objects.length === 0)
    throw new Error(`no raw files under ${inputDir}: run \`loadout generate --out ${inputDir}\` first`);
  const batches = planBatches(objects, { maxObjects: batchObjects, maxBytes: Number.MAX_SAFE_INTEGER });
  const workRoot = await mkdtemp(join(tmpdir(), 'loadout-bench-'));
  let total = emptyStats();
  // Pseudonymising is part of the core's work, so the benchmark pays for it.
  const personal = randomPersonalKeys();
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  try {
    for (const [i, batch] of batches.entries()) {
      const processor = new BatchProcessor({ catalog, workDir: join(workRoot, String(i)), personal });
      for (const object of batch) {
        await processor.processObject(
          object.key,
          createReadStream(join(store.location, object.key), { highWaterMark: 1 << 20 }),
        );
      }
      total = mergeStats(total, (await processor.finish()).stats);
    }
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const rows = Object.values(total.events).reduce((a, b) => a + b, 0);
  return {
    files: objects.length,
    batches: batches.length,
    events: total.records,
    rows_staged: rows,
    seconds: round(seconds, 3),
    events_per_sec: Math.round(total.records / seconds),
    mb_per_sec: round(total.bytesIn / 1e6 / seconds, 2),
    decoded_mb_per_sec: round(total.bytesDecoded / 1e6 / seconds, 2),
    cpu_seconds: round((cpu.user + cpu.system) / 1e6, 3),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
    input_mb: round(total.bytesIn / 1e6, 2),
    stats: {
      duplicates: total.duplicates,
      rejected: total.rejected,
      valid: total.valid,
      events: total.events,
      unknown: total.unknown,
    },
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
