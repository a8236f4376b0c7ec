/** The DuckDB adapter against a real DuckDB file: DDL, merges with duplicates, the ledger, older fingerprints. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import type { EventType } from '../../../schemas/define-event';
import { DUCKDB_TYPES, DuckDbWarehouse } from '../../../stores/warehouse/duckdb-warehouse';
import { addColumnSql, createSchemaSql, createTableSql } from '../../../stores/warehouse/sql/merge-sql';
import type { MergePlan, WarehouseColumn } from '../../../stores/warehouse/warehouse';
import { ParquetTableWriter } from '../../helpers/parquet-fixture-writer';
import { uuidFrom } from '../../helpers/raw-files';

let dir: string;
let catalog: Catalog;
let warehouse: DuckDbWarehouse;
let files = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-duckdb-'));
  catalog = await loadCatalog();
  warehouse = new DuckDbWarehouse(join(dir, 'w.duckdb'));
  await warehouse.ensureLedger('loadout');
});

afterAll(async () => {
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

const columnsOf = (type: EventType): WarehouseColumn[] =>
  type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));

/** A Parquet file written by an independent writer (hyparquet-writer), row group by row group. */
function stage(type: EventType, rows: unknown[][], columns = type.columns) {
  const path = join(dir, `f${++files}.parquet`);
  const writer = new ParquetTableWriter(path, columns);
  for (let i = 0; i < rows.length; i += 3) {
    const group = rows.slice(i, i + 3);
    writer.writeRowGroup(
      columns.map((_, c) => group.map((r) => r[c])),
      group.length,
    );
  }
  writer.close();
  return { url: path, key: `staged/${type.table}/x-${files}.parquet`, bytes: statSync(path).size };
}

function plan(
  type: EventType,
  manifest: string,
  stagedFiles: MergePlan['files'],
  fileColumns = columnsOf(type),
): MergePlan {
  return {
    schema: 'loadout',
    table: type.table,
    targetColumns: columnsOf(type),
    fileColumns,
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: stagedFiles,
    manifestKey: `manifests/${type.table}/${manifest}.json`,
    manifestUrl: 'unused',
  };
}

const micros = (iso: string) => Date.parse(iso) * 1000;

test('create, describe, merge with duplicates inside and across files, rerun, replace', async () => {
  const type = catalog.table('purchase')!;
  await warehouse.runDdl([createTableSql('loadout', 'purchase', type.columns, DUCKDB_TYPES)]);
  expect((await warehouse.describeTable('loadout', 'purchase'))!.map((c) => [c.name, c.type])).toEqual(
    type.columns.map((c) => [c.name, c.type]),
  );
  expect(await warehouse.describeTable('loadout', 'nope')).toBeUndefined();
  const row = (i: number, amount: number) => [
    uuidFrom(`p${i}`),
    micros('2026-11-22T10:00:00.123Z') + 456,
    uuidFrom(`s${i}`),
    `player-${i}`,
    'gold',
    amount,
    'EUR',
  ];
  const a = stage(type, [row(1, 1), row(2, 2), row(1, 1), row(3, 3)]);
  const b = stage(type, [row(3, 3), row(4, 4)]);
  expect(await warehouse.merge(plan(type, 'm1', [a, b]))).toEqual({ applied: true, stagedRows: 4, mergedRows: 4 });
  // Again, as a retry of an attempt that committed: nothing changes; the ledger's rows are reported.
  expect(await warehouse.merge(plan(type, 'm1', [a, b]))).toEqual({ applied: false, stagedRows: 0, mergedRows: 4 });
  const c = stage(type, [row(4, 40), row(5, 5)]);
  await warehouse.merge(plan(type, 'm2', [c]));
  const rows = await warehouse.query(
    'SELECT player_id, amount, CAST("date" AS VARCHAR) AS d FROM loadout.purchase ORDER BY player_id',
  );
  // amount is DECIMAL(18,4): rows hold units of 0.0001, DuckDB prints the decimal.
  expect(rows.map((r) => [r.player_id, r.amount])).toEqual([
    ['player-1', '0.0001'],
    ['player-2', '0.0002'],
    ['player-3', '0.0003'],
    ['player-4', '0.0040'],
    ['player-5', '0.0005'],
  ]);
  expect(rows[0]!.d).toBe('2026-11-22 10:00:00.123456+00');
  const ledger = await warehouse.ledger('loadout', 'purchase');
  expect(ledger.map((l) => [l.manifestKey, l.rows, l.files])).toEqual([
    ['manifests/purchase/m1.json', 4, 2],
    ['manifests/purchase/m2.json', 2, 1],
  ]);
  expect(ledger[0]!.loadedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
});

test('compound keys: one row per (gsess, psess)', async () => {
  const type = catalog.table('match_end')!;
  await warehouse.runDdl([createTableSql('loadout', 'match_end', type.columns, DUCKDB_TYPES)]);
  const row = (g: number, p: number, kills: number) => [
    uuidFrom(`g${g}`),
    uuidFrom(`p${p}`),
    micros('2026-11-22T11:00:00Z'),
    'win',
    kills,
    0,
    0.5,
    1,
  ];
  const f = stage(type, [row(1, 1, 1), row(1, 2, 2), row(2, 1, 3), row(1, 1, 1)]);
  await warehouse.merge(plan(type, 'c1', [f]));
  const [count] = await warehouse.query(
    'SELECT count(*) AS n, count(DISTINCT (gsess, psess)) AS k FROM loadout.match_end',
  );
  expect(count).toEqual({ n: 3, k: 3 });
});

test('copies of a key that differ: the least by the other columns is kept, values before NULLs, whatever the file order', async () => {
  const type = catalog.table('loadout_changed')!;
  const t = micros('2026-11-22T10:05:00Z');
  const copies = [
    [uuidFrom('k1'), t, uuidFrom('s1'), '["b"]', null],
    [uuidFrom('k2'), t, uuidFrom('s2'), '[]', null],
    [uuidFrom('k1'), t, uuidFrom('s1'), '["a"]', null],
    [uuidFrom('k2'), t, uuidFrom('s2'), '[]', '{"x":1}'],
  ];
  const kept: unknown[] = [];
  for (const [schema, order] of [
    ['fwd', copies],
    ['rev', [...copies].reverse()],
  ] as const) {
    await warehouse.runDdl([
      createSchemaSql(schema),
      createTableSql(schema, 'loadout_changed', type.columns, DUCKDB_TYPES),
    ]);
    await warehouse.ensureLedger(schema);
    const files = [stage(type, order.slice(0, 2)), stage(type, order.slice(2))];
    await warehouse.merge({ ...plan(type, 'm1', files), schema });
    kept.push(await warehouse.query(`SELECT id, items, perks FROM ${schema}.loadout_changed ORDER BY items`));
  }
  expect(kept[0]).toEqual([
    { id: uuidFrom('k1'), items: '["a"]', perks: null },
    { id: uuidFrom('k2'), items: '[]', perks: '{"x":1}' },
  ]);
  expect(kept[1]).toEqual(kept[0]);
});

test('a file of an older fingerprint (a column fewer) loads into the wider table, the new column NULL', async () => {
  const type = catalog.table('session_end')!;
  const older = type.columns.filter((c) => c.name !== 'reason');
  await warehouse.runDdl([createTableSql('loadout', 'session_end', older, DUCKDB_TYPES)]);
  await warehouse.runDdl([
    addColumnSql('loadout', 'session_end', { name: 'reason', type: 'string', nullable: true }, DUCKDB_TYPES),
  ]);
  const f = stage(type, [[uuidFrom('e1'), micros('2026-11-22T12:00:00Z'), uuidFrom('s1'), 30.5]], older);
  await warehouse.merge(
    plan(
      type,
      'old',
      [f],
      older.map(({ name, type: t, nullable }) => ({ name, type: t, nullable })),
    ),
  );
  expect(await warehouse.query('SELECT duration_s, reason FROM loadout.session_end')).toEqual([
    { duration_s: 30.5, reason: null },
  ]);
});

test("a manifest in an earlier version's shared ledger is not loaded again; ledgers read as one", async () => {
  const type = catalog.table('purchase')!;
  await warehouse.runDdl([
    `INSERT INTO loadout.loadout_ledger VALUES ('manifests/purchase/old.json', 'purchase', '${type.fingerprint}', 1, 9, TIMESTAMPTZ '2026-01-01 00:00:00+00')`,
  ]);
  const before = await warehouse.query('SELECT count(*) AS n FROM loadout.purchase');
  const old = stage(type, [[uuidFrom('old'), micros('2026-11-23T00:00:00Z'), uuidFrom('s'), 'p', 'gold', 1, 'EUR']]);
  expect(await warehouse.merge(plan(type, 'old', [old]))).toEqual({ applied: false, stagedRows: 0, mergedRows: 9 });
  expect(await warehouse.query('SELECT count(*) AS n FROM loadout.purchase')).toEqual(before);
  const ledger = await warehouse.ledger('loadout', 'purchase');
  expect(ledger.map((l) => l.manifestKey)).toEqual([
    'manifests/purchase/old.json',
    'manifests/purchase/m1.json',
    'manifests/purchase/m2.json',
  ]);
  expect(ledger[0]!.loadedAt).toEqual(new Date('2026-01-01T00:00:00Z'));
  expect(await warehouse.query('SELECT count(*) AS n FROM loadout.loadout_ledger_purchase')).toEqual([{ n: 2 }]);
});
