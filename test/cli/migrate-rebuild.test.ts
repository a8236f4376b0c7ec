/**
 * `loadout migrate --rebuild` as a user runs it on a warehouse made before money was exact
 * (purchase.amount DOUBLE): refused by default with the command named, refused without --apply,
 * then rebuilt through the schemaMigration workflow with every row kept and converted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import type { SchemaMigrationResult } from '../../workflows/schema-migration-types';
import { runLoadout } from '../helpers/loadout-cli';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
let warehouse: string;
const environment = `rebuild-${Math.random().toString(36).slice(2, 8)}`;
const taskQueue = uniqueTaskQueue('migrate-rebuild');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-migrate-rebuild-'));
  warehouse = `duckdb:${join(dir, 'w.duckdb')}`;
  const w = await openWarehouse(warehouse);
  try {
    await w.runDdl([
      'CREATE SCHEMA loadout',
      'CREATE TABLE loadout.purchase (id VARCHAR NOT NULL, "date" TIMESTAMPTZ NOT NULL, psess VARCHAR NOT NULL, player_id VARCHAR NOT NULL, sku VARCHAR NOT NULL, amount DOUBLE NOT NULL, currency VARCHAR NOT NULL)',
      "INSERT INTO loadout.purchase VALUES ('a', TIMESTAMPTZ '2026-11-22 10:00:00+00', 's', 'p1', 'gold', 19.990000000000002, 'EUR'), ('b', TIMESTAMPTZ '2026-11-22 10:30:00+00', 's', 'p2', 'gold', 0.30000000000000004, 'EUR')",
    ]);
  } finally {
    await w.close();
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const loadout = (args: string[]) =>
  runLoadout([...args, '--tables', 'purchase', '--warehouse', warehouse, '--env', environment], {
    LOADOUT_HOME: join(dir, 'home'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    LOADOUT_TASK_QUEUE: taskQueue,
    LOADOUT_LOAD_EVERY: '1h',
  });

test('DOUBLE to DECIMAL(18,4): refused by default naming --rebuild; --rebuild --apply keeps and converts every row', async () => {
  const refused = await loadout(['migrate', '--apply']);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(/amount is double in loadout\.purchase but declared decimal \(DECIMAL\(18,4\)\)/);
  expect(refused.stdout).toContain('loadout migrate --rebuild purchase --apply');

  const noApply = await loadout(['migrate', '--rebuild', 'purchase']);
  expect(noApply.code).toBe(1);
  expect(noApply.stderr.trim()).toBe(
    'loadout: --rebuild purchase changes the warehouse: add --apply (loadout migrate without it shows the plan)',
  );

  const rebuilt = await loadout(['migrate', '--rebuild', 'purchase', '--apply', '--json']);
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  const result = JSON.parse(rebuilt.stdout) as SchemaMigrationResult;
  expect(result.tables.map((t) => [t.table, t.applied.map((c) => c.kind), t.plan.refused])).toEqual([
    ['purchase', ['rebuildTable'], []],
  ]);

  const w = await openWarehouse(warehouse);
  try {
    expect((await w.describeTable('loadout', 'purchase'))!.find((c) => c.name === 'amount')!.type).toBe('decimal');
    expect(await w.query('SELECT id, CAST(amount AS VARCHAR) AS amount FROM loadout.purchase ORDER BY id')).toEqual([
      { id: 'a', amount: '19.9900' },
      { id: 'b', amount: '0.3000' },
    ]);
  } finally {
    await w.close();
  }
  const again = await loadout(['migrate']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout.trim()).toBe('up to date: purchase');
});
