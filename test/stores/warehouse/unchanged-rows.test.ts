/**
 * A merge leaves rows the table already holds exactly as they are: a replay or redelivery changes
 * nothing and counts nothing, a changed row is replaced, and `_loadout_loaded_at` moves only for
 * rows that changed. DuckDB and PostgreSQL for real; the SQL is the one Redshift runs too.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog } from '../../../schemas/catalog';
import type { EventType } from '../../../schemas/define-event';
import { openWarehouse } from '../../../stores/warehouse/open-warehouse';
import {
  createSchemaSql,
  createStagingSql,
  createTableSql,
  mergeStatements,
} from '../../../stores/warehouse/sql/merge-sql';
import type { MergePlan, Warehouse, WarehouseColumn } from '../../../stores/warehouse/warehouse';
import { ParquetTableWriter } from '../../helpers/parquet-fixture-writer';
import { startPostgres, type PostgresServer } from '../../helpers/postgres-server';
import { uuidFrom } from '../../helpers/raw-files';

let dir: string;
let postgres: PostgresServer;
let type: EventType;
let files = 0;
const SCHEMA = 'unchanged';
const LOADED_AT = '_loadout_loaded_at';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-unchanged-'));
  type = (await loadCatalog()).table('loadout_changed')!;
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const fileColumns = (): WarehouseColumn[] =>
  type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));

function stage(rows: unknown[][]) {
  const path = join(dir, `f${++files}.parquet`);
  const writer = new ParquetTableWriter(path, type.columns);
  writer.writeRowGroup(
    type.columns.map((_, c) => rows.map((r) => r[c])),
    rows.length,
  );
  writer.close();
  return { url: path, key: `staged/loadout_changed/x-${files}.parquet`, bytes: statSync(path).size };
}

function plan(manifest: string, rows: unknown[][]): MergePlan {
  return {
    schema: SCHEMA,
    table: 'loadout_changed',
    targetColumns: [...fileColumns(), { name: LOADED_AT, type: 'timestamp', nullable: true }],
    fileColumns: fileColumns(),
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: [stage(rows)],
    manifestKey: `manifests/loadout_changed/${manifest}.json`,
    manifestUrl: 'unused',
    loadedAtColumn: LOADED_AT,
  };
}

const at = Date.parse('2026-11-22T10:00:00Z') * 1000;
// id, date, psess, items, perks: the catalog's loadout_changed columns in order (perks nullable).
const row = (i: number, perks: string | null, items = '["rifle"]') => [
  uuidFrom(`e${i}`),
  at + i,
  uuidFrom(`s${i}`),
  items,
  perks,
];

async function loadedAt(w: Warehouse): Promise<Map<string, string>> {
  const rows = await w.query(`SELECT "id", CAST("${LOADED_AT}" AS VARCHAR) AS t FROM "${SCHEMA}"."loadout_changed"`);
  return new Map(rows.map((r) => [String(r.id), String(r.t)]));
}

describe.each(['duckdb', 'postgres'])('%s', (dialect) => {
  test('identical rows are left alone, changed and new ones merged and counted', async () => {
    const w = await openWarehouse(dialect === 'duckdb' ? `duckdb:${join(dir, 'w.duckdb')}` : postgres.url);
    try {
      await w.runDdl([createSchemaSql(SCHEMA)]);
      await w.ensureLedger(SCHEMA);
      await w.runDdl([createTableSql(SCHEMA, 'loadout_changed', plan('ddl', []).targetColumns, w.types)]);
      const first = await w.merge(plan('one', [row(1, '{"a":1}'), row(2, null), row(3, '{"c":3}')]));
      expect(first.mergedRows).toBe(3);
      const before = await loadedAt(w);
      await new Promise((r) => setTimeout(r, 20));

      // The same three again (a replay): nothing changes, nothing counts, loaded-at stays.
      const replay = await w.merge(plan('two', [row(1, '{"a":1}'), row(2, null), row(3, '{"c":3}')]));
      expect(replay).toMatchObject({ applied: true, mergedRows: 0 });
      expect(await loadedAt(w)).toEqual(before);

      // Row 2 gets a value where it had NULL, row 3 other items, row 4 is new; row 1 is the same.
      const next = await w.merge(
        plan('three', [row(1, '{"a":1}'), row(2, '{"b":2}'), row(3, '{"c":3}', '["knife"]'), row(4, null)]),
      );
      expect(next.mergedRows).toBe(3);
      const after = await loadedAt(w);
      expect(after.get(uuidFrom('e1'))).toBe(before.get(uuidFrom('e1')));
      for (const i of [2, 3]) expect(after.get(uuidFrom(`e${i}`))).not.toBe(before.get(uuidFrom(`e${i}`)));
      const rows = await w.query(`SELECT "items", "perks" FROM "${SCHEMA}"."loadout_changed" ORDER BY "date"`);
      expect(rows.map((r) => [r.items, r.perks])).toEqual([
        ['["rifle"]', '{"a":1}'],
        ['["rifle"]', '{"b":2}'],
        ['["knife"]', '{"c":3}'],
        ['["rifle"]', null],
      ]);
      const ledger = await w.ledger(SCHEMA, 'loadout_changed');
      expect(ledger.map((l) => l.rows)).toEqual([3, 0, 3]);
    } finally {
      await w.close();
    }
  });
});

test('the comparison is left out when a file column is not of its target type (a widened column)', () => {
  const p = plan('widened', []);
  const widened = {
    ...p,
    targetColumns: p.targetColumns.map((c) => (c.name === 'perks' ? { ...c, type: 'string' as const } : c)),
  };
  expect(mergeStatements(p)[0]).toContain('LEFT JOIN');
  expect(mergeStatements(widened)[0]).not.toContain('LEFT JOIN');
});

test('DuckDB compares a replay with the table by a hash join, not a nested loop', async () => {
  // The portable `= OR both NULL` form made DuckDB join by a nested loop: minutes for 300k rows.
  const w = await openWarehouse(`duckdb:${join(dir, 'plan.duckdb')}`);
  try {
    const p = plan('explain', [row(1, null)]);
    await w.runDdl([createSchemaSql(SCHEMA), createTableSql(SCHEMA, 'loadout_changed', p.targetColumns, w.types)]);
    await w.runDdl([createStagingSql(p, w.types)]);
    const [dedup] = mergeStatements(p, { notDistinct: true });
    const explained = (await w.query(`EXPLAIN ${dedup!.replace(/^CREATE TEMP TABLE \S+ AS /, '')}`))
      .map((r) => String(r.explain_value))
      .join('\n');
    expect(explained).toContain('HASH_JOIN');
    expect(explained).not.toMatch(/NL_JOIN|NESTED_LOOP/);
  } finally {
    await w.close();
  }
});
