/**
 * Counts that cannot be misread: a re-run says its batches were done by an earlier run and stages
 * nothing now; an expected bad object costs one summary line, its log line and stack only with --verbose.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { runLoadout } from '../helpers/loadout-cli';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-run-counts-'));
  await generateTelemetry({ outDir: join(dir, 'raw'), events: 3_000, files: 3, seed: 21 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(name: string) {
  return {
    LOADOUT_HOME: join(dir, name),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_TASK_QUEUE: uniqueTaskQueue(name),
    LOADOUT_ENV: `counts-${name}-${Math.random().toString(36).slice(2, 8)}`,
    LOADOUT_LOAD_EVERY: '1h',
  };
}

interface Summary {
  batches: number;
  batchesCompletedEarlier: number;
  staged: Record<string, number>;
  stagedNow: Record<string, number>;
  duplicates: number;
  timings: { process_activity_s: number };
  load: { tables: { manifests: { mergedRows: number }[] }[] };
}

test('a re-run reuses its batches: nothing staged now, no processing time, nothing merged', async () => {
  const e = env('rerun');
  const first = await runLoadout(['run', join(dir, 'raw'), '--json'], e);
  expect(first.code, first.stderr).toBe(0);
  const one = JSON.parse(first.stdout) as Summary;
  expect(one.batchesCompletedEarlier).toBe(0);
  expect(one.stagedNow).toEqual(one.staged);
  expect(one.timings.process_activity_s).toBeGreaterThan(0);

  const second = await runLoadout(['run', join(dir, 'raw'), '--json'], e);
  const two = JSON.parse(second.stdout) as Summary;
  expect(two.batches).toBe(one.batches);
  expect(two.batchesCompletedEarlier).toBe(two.batches);
  expect(two.stagedNow).toEqual({});
  expect(two.staged).toEqual(one.staged);
  expect(two.timings.process_activity_s).toBe(0);
  expect(two.load.tables.flatMap((t) => t.manifests)).toEqual([]);

  const text = await runLoadout(['run', join(dir, 'raw')], e);
  expect(text.stdout).toContain(`(0 processed now, ${two.batches} done by an earlier run`);
  expect(text.stdout).toMatch(/^duplicates: \d+ dropped within batches/m);
  expect(text.stdout).toMatch(/^table +staged now +staged earlier +changed by this load +rows in warehouse$/m);
});

test('a quarantined object is one line on stderr; its log line only with --verbose', async () => {
  const raw = join(dir, 'with-bad');
  await generateTelemetry({ outDir: raw, events: 500, files: 1, seed: 3 });
  writeFileSync(join(raw, 'broken.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
  const quiet = await runLoadout(['run', raw], env('quiet'));
  expect(quiet.code).toBe(1);
  expect(quiet.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^loadout: 1 object\(s\) quarantined/)]);
  expect(quiet.stdout).toContain('QUARANTINED broken.gz (corrupt-compression)');

  const verbose = await runLoadout(['run', raw, '--verbose'], env('verbose'));
  expect(verbose.code).toBe(1);
  expect(verbose.stderr).toContain('object quarantined');
});
