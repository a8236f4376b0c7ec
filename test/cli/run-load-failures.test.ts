/**
 * `loadout run` and `loadout load` when a table fails to load, and what they print from hostile
 * names: child processes on the real dev server, a local lake and DuckDB.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { listRawObjects } from '../../cli/ingest';
import { batchIdOf } from '../../core/batch-id';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import { uniqueTaskQueue } from '../helpers/temporal';

const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-run-fail-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadout(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** What a terminal would act on rather than show (newline aside, which separates lines). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface RunJson {
  tables: Record<string, number>;
  unknown: Record<string, number>;
  load: {
    tables: { table: string; manifests: { mergedRows: number }[] }[];
    failed: { table: string; reason: string }[];
  };
}

test('a load that fails on one table: run and load print the loaded tables and the reason, exit non-zero; hostile names print escaped', async () => {
  const home = join(dir, 'home');
  const raw = join(dir, 'raw');
  const environment = uniqueTaskQueue('runfail');
  const env = {
    LOADOUT_HOME: home,
    LOADOUT_WAREHOUSE: `duckdb:${join(home, 'warehouse.duckdb')}`,
    LOADOUT_ENV: environment,
    LOADOUT_LOAD_EVERY: '1h',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    LOADOUT_TASK_QUEUE: environment,
  };
  writeSessionsObject(raw, '2026/11/22/10/a.gz', 6, 'run-fail');
  // An unknown event and an undeclared attribute whose names carry escape sequences, newlines and a bidi override.
  writeObject(
    raw,
    '2026/11/22/10/hostile.json',
    [
      JSON.stringify({ event: '\u001b[31mevil\nFAKE ROW\u202e', n: 1 }),
      JSON.stringify({
        event: 'session_begin',
        id: '0b6f1a7e-3d3c-4f7e-a2b1-5c6d7e8f9a0b',
        date: '2026-11-22T10:00:00Z',
        psess: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
        player_id: 'player-x',
        platform: 'pc',
        app_version: '1.4.2',
        'extra\u001b[2J\nFAKE DRIFT': 1,
      }),
    ].join('\n') + '\n',
  );
  // purchase exists with sku as a number: declared text, a change the migration refuses.
  const w = new DuckDbWarehouse(join(home, 'warehouse.duckdb'));
  try {
    await w.runDdl([
      'CREATE SCHEMA IF NOT EXISTS loadout',
      'CREATE TABLE loadout.purchase (id VARCHAR, "date" TIMESTAMPTZ, psess VARCHAR, player_id VARCHAR, sku BIGINT, amount DECIMAL(18,4), currency VARCHAR)',
    ]);
  } finally {
    await w.close();
  }

  // A missing object the run's one batch quarantined, as the processing activity records it.
  const rawStore = openObjectStore(raw);
  const gone: QuarantineRecord = {
    source: rawStore.location,
    key: '2026/11/22/10/gone.gz',
    etag: 'e',
    size: 10,
    kind: 'missing',
    reason: `raw object 2026/11/22/10/gone.gz is gone from ${rawStore.location}`,
    batchId: batchIdOf(rawStore.location, await listRawObjects(rawStore)),
    at: new Date().toISOString(),
  };
  await openObjectStore(join(home, 'lake')).write(quarantineKeyOf(gone.source, gone.key), JSON.stringify(gone));

  const json = await loadout(['run', raw, '--json'], env);
  expect(json.code).toBe(1);
  expect(json.stderr).toMatch(
    /^loadout: 1 table\(s\) failed to load: purchase: schema migration refused for purchase \(sku\)/m,
  );
  const summary = JSON.parse(json.stdout) as RunJson;
  expect(summary.load.failed).toEqual([
    { table: 'purchase', reason: expect.stringMatching(/^schema migration refused for purchase \(sku\)/) },
  ]);
  expect(summary.load.tables.map((t) => [t.table, t.manifests.reduce((n, m) => n + m.mergedRows, 0)])).toEqual([
    // The unknown event's row (docs/lineage.md) and the personal-data store (one row per player, sealed) load with the tables.
    ['loadout_unknown', 1],
    ['personal_data', 7],
    ['session_begin', 7],
  ]);
  expect(summary.tables).toMatchObject({ session_begin: 7, purchase: 0 });
  expect(summary.unknown).toEqual({ '\u001b[31mevil\nFAKE ROW\u202e': 1 });
  expect(json.stdout).not.toMatch(CONTROL);
  expect(JSON.parse(json.stdout)).toMatchObject({
    quarantined: [{ key: gone.key, kind: 'missing', reason: gone.reason }],
  });

  // The batches are done; the load fails on purchase again, and the text names everything escaped.
  const text = await loadout(['run', raw], env);
  expect(text.code).toBe(1);
  expect(text.stdout).not.toMatch(CONTROL);
  expect(text.stdout.split('\n').filter((l) => l.startsWith('FAKE'))).toEqual([]);
  // Staged now, staged by the earlier run, changed by this load, in the warehouse.
  expect(text.stdout).toMatch(/^session_begin +0 +\d+ +0 +7$/m);
  expect(text.stdout).toMatch(/^FAILED table purchase: schema migration refused for purchase \(sku\)/m);
  expect(text.stdout).toContain('\\x1b[31mevil\\nFAKE ROW\\u202e');
  expect(text.stdout).toContain(`\nQUARANTINED 2026/11/22/10/gone.gz (missing): ${gone.reason}\n`);

  const load = await loadout(['load'], env);
  expect(load.code).toBe(1);
  expect(load.stdout).toMatch(/^FAILED table purchase: schema migration refused for purchase \(sku\)/m);
  expect(load.stderr).toMatch(/^loadout: 1 table\(s\) failed to load: purchase: /m);

  const drift = await loadout(['schema', 'drift'], env);
  expect(drift.code).toBe(0);
  expect(drift.stdout).not.toMatch(CONTROL);
  expect(drift.stdout.split('\n').filter((l) => l.startsWith('FAKE'))).toEqual([]);
  // An attribute path quotes a name holding control characters (core/attribute-path.ts); the table cell escapes the rest.
  expect(drift.stdout).toContain('"extra\\\\u001b[2J\\\\nFAKE DRIFT"');
  expect(drift.stdout).toContain('\\x1b[31mevil\\nFAKE ROW\\u202e');
});
