/**
 * DuckDB merges on one open warehouse: a merge that fails between its statements leaves the table,
 * the ledger and the session as they were, so its retry (on the same session) applies it once; and
 * several merges in one session give what merges in sessions of their own give.
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadCatalog } from '../../../schemas/catalog';
import type { EventType } from '../../../schemas/define-event';
import { DUCKDB_TYPES, DuckDbWarehouse } from '../../../stores/warehouse/duckdb-warehouse';
import { createTableSql } from '../../../stores/warehouse/sql/merge-sql';
import type { MergePlan } from '../../../stores/warehouse/warehouse';
import { ParquetTableWriter } from '../../helpers/parquet-fixture-writer';
import { uuidFrom } from '../../helpers/raw-files';

let dir: string;
let type: EventType;
let files = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-duckdb-retry-'));
  type = (await loadCatalog()).table('loadout_changed')!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = Date.parse('2026-11-22T10:00:00Z') * 1000;
const row = (i: number, items = '["rifle"]') => [uuidFrom(`e${i}`), at + i, uuidFrom(`s${i}`), items, null];

function plan(manifest: string, rows: unknown[][]): MergePlan {
  const path = join(dir, `f${++files}.parquet`);
  const writer = new ParquetTableWriter(path, type.columns);
  writer.writeRowGroup(
    type.columns.map((_, c) => rows.map((r) => r[c])),
    rows.length,
  );
  writer.close();
  const columns = type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));
  return {
    schema: 'loadout',
    table: 'loadout_changed',
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: [{ url: path, key: `staged/loadout_changed/x-${files}.parquet`, bytes: statSync(path).size }],
    manifestKey: `manifests/loadout_changed/${manifest}.json`,
    manifestUrl: 'unused',
  };
}

async function open(name: string): Promise<DuckDbWarehouse> {
  const warehouse = new DuckDbWarehouse(join(dir, name));
  await warehouse.ensureLedger('loadout');
  await warehouse.runDdl([createTableSql('loadout', 'loadout_changed', type.columns, DUCKDB_TYPES)]);
  return warehouse;
}

async function state(warehouse: DuckDbWarehouse) {
  return {
    rows: await warehouse.query('SELECT id, items FROM loadout.loadout_changed ORDER BY id'),
    ledger: (await warehouse.ledger('loadout')).map((l) => [l.manifestKey, l.rows, l.files]),
    temporary: await warehouse.query('SELECT table_name FROM duckdb_tables() WHERE temporary'),
  };
}

/** Fails the next statement the adapter runs that matches `pattern`, as a crash there would. */
function failNext(pattern: RegExp): () => void {
  const proto = DuckDBConnection.prototype as unknown as { run: (...a: unknown[]) => Promise<unknown> };
  const original = proto.run;
  let armed = true;
  proto.run = async function (this: unknown, ...args: unknown[]) {
    if (armed && pattern.test(String(args[0]))) {
      armed = false;
      throw new Error('injected failure');
    }
    return original.apply(this, args);
  };
  return () => void (proto.run = original);
}

test('a merge failing between statements changes nothing; its retry on the same session applies it once', async () => {
  const warehouse = await open('retry.duckdb');
  try {
    await warehouse.merge(plan('one', [row(1), row(2)]));
    const before = await state(warehouse);
    const second = plan('two', [row(2, '["knife"]'), row(3), row(3)]);
    // After the target's DELETE and INSERT, before the ledger row: the worst place to stop.
    for (const at of [/^INSERT INTO "loadout"."loadout_ledger_/, /^DELETE FROM/, /^COMMIT/]) {
      const restore = failNext(at);
      try {
        await expect(warehouse.merge(second)).rejects.toThrow('injected failure');
      } finally {
        restore();
      }
      expect(await state(warehouse)).toEqual(before);
    }
    expect(await warehouse.merge(second)).toEqual({ applied: true, stagedRows: 2, mergedRows: 2 });
    expect(await warehouse.merge(second)).toEqual({ applied: false, stagedRows: 0, mergedRows: 2 });
    const after = await state(warehouse);
    expect(new Map(after.rows.map((r) => [r.id, r.items]))).toEqual(
      new Map([
        [uuidFrom('e1'), '["rifle"]'],
        [uuidFrom('e2'), '["knife"]'],
        [uuidFrom('e3'), '["rifle"]'],
      ]),
    );
    expect(after.ledger).toEqual([
      ['manifests/loadout_changed/one.json', 2, 1],
      ['manifests/loadout_changed/two.json', 2, 1],
    ]);
    expect(after.temporary).toEqual([]);
  } finally {
    await warehouse.close();
  }
});

test('merges in one session give the table and ledger that merges in sessions of their own give', async () => {
  const plans = [
    plan('a', [row(1), row(2), row(2)]),
    plan('b', [row(2), row(3, '["knife"]')]),
    plan('c', [row(1), row(2), row(3)]),
  ];
  const shared = await open('shared.duckdb');
  for (const p of plans) await shared.merge(p);
  const one = await state(shared);
  await shared.close();
  for (const p of plans) {
    const own = await open('own.duckdb');
    await own.merge(p);
    await own.close();
  }
  const own = await open('own.duckdb');
  const separate = await state(own);
  await own.close();
  // loaded_at differs by design; the rows, their counts and files are the same.
  expect(one).toEqual(separate);
  expect(one.ledger.map((l) => l[1])).toEqual([2, 1, 1]);
});
