/**
 * What batch threads add inside one worker process: a corpus processed as one batch on the calling
 * thread (the core as the activity ran it before threads) against the same objects as one batch per
 * thread, all at once on the pool (workers/batch-threads/), in turns whose order alternates. Only the
 * processing core: no Temporal, no staging, no load (scripts/bench-end-to-end.mjs times those).
 * Usage: npx tsx scripts/bench-batch-threads.ts --input DIR [--rounds 3] [--threads N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBatchPasses, type BatchPassesJob } from '../activities/batch-passes';
import { replayCatalogVersion } from '../activities/replay-catalog';
import { listRawObjects } from '../cli/ingest';
import type { RawObjectRef } from '../core/batch-id';
import { randomPersonalKeys } from '../core/personal/random-keys';
import { loadCatalog } from '../schemas/catalog';
import { catalogSourceOf } from '../schemas/catalog-source';
import { openObjectStore } from '../stores/object/open-object-store';
import { BatchThreadPool, defaultBatchThreads } from '../workers/batch-threads/batch-thread-pool';

const { values } = parseArgs({
  options: { input: { type: 'string' }, rounds: { type: 'string', default: '3' }, threads: { type: 'string' } },
});
if (!values.input)
  throw new Error('usage: npx tsx scripts/bench-batch-threads.ts --input DIR [--rounds 3] [--threads N]');
const threads = Number(values.threads ?? defaultBatchThreads());
const catalog = await loadCatalog();
const catalogVersion = replayCatalogVersion(catalog, undefined);
const raw = openObjectStore(values.input);
const objects = await listRawObjects(raw);
const personal = randomPersonalKeys();
const work = mkdtempSync(join(tmpdir(), 'loadout-bench-threads-'));
const pool = new BatchThreadPool(threads);
const signal = new AbortController().signal;

const job = (batchId: string, todo: RawObjectRef[]): BatchPassesJob => ({
  batchId,
  source: raw.location,
  todo,
  personal,
  erased: new Set(),
  workDir: mkdtempSync(join(work, `${batchId}-`)),
});
const shares = Array.from({ length: threads }, (_, t) => objects.filter((_, i) => i % threads === t));

async function oneThread(): Promise<number> {
  const t = performance.now();
  await runBatchPasses(catalog, raw, job('main', objects), { progress: () => {}, finishing: (w) => w() });
  return (performance.now() - t) / 1000;
}

async function onThreads(): Promise<number> {
  const t = performance.now();
  const source = catalogSourceOf(catalog)!;
  await Promise.all(
    shares.map((share, i) =>
      pool.run(
        { ...job(`thread-${i}`, share), catalog: source, catalogVersion, storeScope: 'bench' },
        { signal, progress: () => {} },
      ),
    ),
  );
  return (performance.now() - t) / 1000;
}

try {
  await onThreads(); // starts the threads: a worker pays this once, at its first batches
  const seconds: Record<string, number[]> = { 'one-thread': [], [`${threads}-threads`]: [] };
  for (let round = 0; round < Number(values.rounds); round++) {
    const turns: [string, () => Promise<number>][] = [
      ['one-thread', oneThread],
      [`${threads}-threads`, onThreads],
    ];
    if (round % 2 === 1) turns.reverse();
    for (const [what, turn] of turns) {
      const s = await turn();
      seconds[what]!.push(s);
      console.log(JSON.stringify({ round, what, seconds: Math.round(s * 1000) / 1000, load: loadavg()[0] }));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const one = median(seconds['one-thread']!);
  const many = median(seconds[`${threads}-threads`]!);
  console.log(
    JSON.stringify({
      date: new Date().toISOString(),
      objects: objects.length,
      threads,
      median_one_thread_s: one,
      median_threads_s: many,
      speedup: Math.round((one / many) * 100) / 100,
      load: loadavg(),
    }),
  );
} finally {
  await pool.close();
  rmSync(work, { recursive: true, force: true });
}
