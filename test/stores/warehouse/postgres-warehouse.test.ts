/** PostgresWarehouse against a real, throwaway PostgreSQL cluster, fed Parquet staged by ParquetTableWriter. */
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { fingerprintColumns } from '../../../schemas/fingerprint';
import { microsToIso } from '../../../stores/warehouse/postgres-copy-encoders';
import { PostgresWarehouse } from '../../../stores/warehouse/postgres-warehouse';
import type { MergePlan } from '../../../stores/warehouse/warehouse';
import {
  SCHEMA,
  catalog,
  createTable,
  dir,
  dump,
  micros,
  planFor,
  server,
  stage,
  usePostgresWarehouse,
  uuid,
  warehouse,
} from '../../helpers/postgres-warehouse-fixture';

usePostgresWarehouse();

describe('PostgresWarehouse', () => {
  test('dialect, idempotent ledger, createTableSql and describeTable round trip', async () => {
    expect(warehouse.dialect).toBe('postgres');
    await warehouse.ensureLedger(SCHEMA);
    await warehouse.ensureLedger(SCHEMA);
    const type = catalog.table('damage_dealt')!;
    await createTable('dd_describe', type.columns);
    expect(await warehouse.describeTable(SCHEMA, 'dd_describe')).toEqual([
      { name: 'id', warehouseType: 'text', type: 'string', nullable: false },
      { name: 'date', warehouseType: 'timestamp with time zone', type: 'timestamp', nullable: false },
      { name: 'gsess', warehouseType: 'text', type: 'string', nullable: false },
      { name: 'psess', warehouseType: 'text', type: 'string', nullable: false },
      { name: 'eid', warehouseType: 'bigint', type: 'int64', nullable: false },
      { name: 'weapon', warehouseType: 'text', type: 'string', nullable: false },
      { name: 'amount', warehouseType: 'double precision', type: 'double', nullable: false },
      { name: 'critical', warehouseType: 'boolean', type: 'boolean', nullable: false },
    ]);
    const changed = catalog.table('loadout_changed')!;
    await createTable('lc_describe', changed.columns);
    const described = await warehouse.describeTable(SCHEMA, 'lc_describe');
    // json is TEXT in PostgreSQL: it reads back as a string column.
    expect(described?.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'string', false],
      ['date', 'timestamp', false],
      ['psess', 'string', false],
      ['items', 'string', false],
      ['perks', 'string', true],
    ]);
    expect(await warehouse.describeTable(SCHEMA, 'no_such_table')).toBeUndefined();
    expect(await warehouse.describeTable('no_such_schema', 'dd_describe')).toBeUndefined();
  });

  test('single key: duplicates inside and across files collapse, re-runs change nothing, later manifests win', async () => {
    const type = catalog.table('damage_dealt')!;
    await createTable('dd', type.columns);
    const t0 = micros('2026-11-22T10:00:00Z');
    const row = (n: number, weapon: string, amount = n / 4) => [
      uuid(n),
      t0 + n * 1_000_001,
      uuid(n, '1111'),
      uuid(n, '2222'),
      n,
      weapon,
      amount,
      n % 2 === 0,
    ];
    // File 1: two row groups, key 2 twice in it; file 2 repeats key 3.
    const f1 = stage(type.columns, [row(1, 'rifle'), row(2, 'pistol')], [row(2, 'pistol'), row(3, 'knife')]);
    const f2 = stage(type.columns, [row(3, 'knife'), row(4, 'bow')]);
    const first = planFor('dd', type, [f1, f2], 'load-1');
    expect(await warehouse.merge(first)).toEqual({ applied: true, stagedRows: 4, mergedRows: 4 });
    const after1 = await dump('dd', 'id');
    expect(after1.map((r) => [r.id, r.weapon, r.eid, r.amount, r.critical])).toEqual([
      [uuid(1), 'rifle', 1, 0.25, false],
      [uuid(2), 'pistol', 2, 0.5, true],
      [uuid(3), 'knife', 3, 0.75, false],
      [uuid(4), 'bow', 4, 1, true],
    ]);
    expect(after1[0]!.date).toBe(microsToIso(t0 + 1_000_001));

    // The same manifest again (a retry of an attempt that committed): the ledger has it, nothing
    // changes, and the rows its merge recorded are reported.
    expect(await warehouse.merge(first)).toEqual({ applied: false, stagedRows: 0, mergedRows: 4 });
    expect(await dump('dd', 'id')).toEqual(after1);

    // A later manifest: keys 2 and 4 come back changed (latest wins), 5 is new, 1 and 3 stay.
    const f3 = stage(type.columns, [row(2, 'shotgun', 99.5), row(5, 'sword'), row(4, 'crossbow', 7)]);
    expect(await warehouse.merge(planFor('dd', type, [f3], 'load-2'))).toEqual({
      applied: true,
      stagedRows: 3,
      mergedRows: 3,
    });
    const after2 = await dump('dd', 'id');
    expect(after2.map((r) => [r.id, r.weapon, r.amount])).toEqual([
      [uuid(1), 'rifle', 0.25],
      [uuid(2), 'shotgun', 99.5],
      [uuid(3), 'knife', 0.75],
      [uuid(4), 'crossbow', 7],
      [uuid(5), 'sword', 1.25],
    ]);
    const counts = await warehouse.query(`SELECT count(*) AS n, count(DISTINCT id) AS k FROM ${SCHEMA}.dd`);
    expect(counts).toEqual([{ n: 5, k: 5 }]);

    // The ledger: one row per applied manifest; the replay did not add one.
    const ledger = await warehouse.ledger(SCHEMA, 'dd');
    expect(ledger.map(({ loadedAt, ...rest }) => rest)).toEqual([
      { manifestKey: 'manifests/dd/load-1.json', table: 'dd', fingerprint: type.fingerprint, files: 2, rows: 4 },
      { manifestKey: 'manifests/dd/load-2.json', table: 'dd', fingerprint: type.fingerprint, files: 1, rows: 3 },
    ]);
    for (const entry of ledger) {
      expect(entry.loadedAt).toBeInstanceOf(Date);
      expect(Math.abs(entry.loadedAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    expect((await warehouse.ledger(SCHEMA)).filter((e) => e.table === 'dd')).toHaveLength(2);
  });

  test("a manifest in an earlier version's shared ledger is not loaded again", async () => {
    const type = catalog.table('damage_dealt')!;
    await createTable('dd_legacy', type.columns);
    await warehouse.runDdl([
      `INSERT INTO ${SCHEMA}.loadout_ledger VALUES ('manifests/dd_legacy/old.json', 'dd_legacy', '${type.fingerprint}', 1, 6, now())`,
    ]);
    const row = [uuid(1), micros('2026-11-22T10:00:00Z'), uuid(1, '1111'), uuid(1, '2222'), 1, 'rifle', 0.5, true];
    const file = stage(type.columns, [row]);
    expect(await warehouse.merge(planFor('dd_legacy', type, [file], 'old'))).toEqual({
      applied: false,
      stagedRows: 0,
      mergedRows: 6,
    });
    expect(await dump('dd_legacy', 'id')).toEqual([]);
    expect((await warehouse.ledger(SCHEMA, 'dd_legacy')).map((e) => [e.manifestKey, e.rows])).toEqual([
      ['manifests/dd_legacy/old.json', 6],
    ]);
  });

  test('compound key (match_end: gsess, psess): one row per pair', async () => {
    const type = catalog.table('match_end')!;
    expect(type.uniqueKey).toEqual(['gsess', 'psess']);
    await createTable('me', type.columns);
    const t = micros('2026-11-22T12:00:00Z');
    const row = (g: number, p: number, result: string, kills: number) => [
      uuid(g, 'aaaa'),
      uuid(p, 'bbbb'),
      t,
      result,
      kills,
      1,
      0.5,
      2,
    ];
    const f1 = stage(type.columns, [
      row(1, 1, 'win', 1),
      row(1, 2, 'loss', 2),
      row(2, 1, 'draw', 3),
      row(1, 1, 'win', 1),
    ]);
    const f2 = stage(type.columns, [row(2, 1, 'draw', 3), row(2, 2, 'win', 4)]);
    expect(await warehouse.merge(planFor('me', type, [f1, f2], 'load-1'))).toEqual({
      applied: true,
      stagedRows: 4,
      mergedRows: 4,
    });
    const f3 = stage(type.columns, [row(1, 2, 'win', 20), row(3, 1, 'loss', 5)]);
    expect(await warehouse.merge(planFor('me', type, [f3], 'load-2'))).toMatchObject({ applied: true, stagedRows: 2 });
    const rows = await dump('me', 'gsess, psess');
    expect(rows.map((r) => [r.gsess, r.psess, r.result, r.kills])).toEqual([
      [uuid(1, 'aaaa'), uuid(1, 'bbbb'), 'win', 1],
      [uuid(1, 'aaaa'), uuid(2, 'bbbb'), 'win', 20],
      [uuid(2, 'aaaa'), uuid(1, 'bbbb'), 'draw', 3],
      [uuid(2, 'aaaa'), uuid(2, 'bbbb'), 'win', 4],
      [uuid(3, 'aaaa'), uuid(1, 'bbbb'), 'loss', 5],
    ]);
  });

  test('copies of a key that differ: the least by the other columns is kept, values before NULLs, whatever the file order', async () => {
    const type = catalog.table('loadout_changed')!;
    const t = micros('2026-11-22T10:05:00Z');
    // Key 1: two copies that differ in items; key 2: one copy with perks, one without.
    const copies = [
      [uuid(1), t, uuid(1, 'cccc'), '["b"]', null],
      [uuid(2), t, uuid(2, 'cccc'), '[]', null],
      [uuid(1), t, uuid(1, 'cccc'), '["a"]', null],
      [uuid(2), t, uuid(2, 'cccc'), '[]', '{"x":1}'],
    ];
    for (const [table, order] of [
      ['lc_fwd', copies],
      ['lc_rev', [...copies].reverse()],
    ] as const) {
      await createTable(table, type.columns);
      const files = [stage(type.columns, order.slice(0, 2)), stage(type.columns, order.slice(2))];
      expect(await warehouse.merge(planFor(table, type, files, 'load-1'))).toMatchObject({
        applied: true,
        mergedRows: 2,
      });
    }
    const kept = (await dump('lc_fwd', 'id')).map((r) => [r.id, r.items, r.perks]);
    expect(kept).toEqual([
      [uuid(1), '["a"]', null],
      [uuid(2), '[]', '{"x":1}'],
    ]);
    expect((await dump('lc_rev', 'id')).map((r) => [r.id, r.items, r.perks])).toEqual(kept);
  });

  test('a file of an older fingerprint (fewer columns) loads into the wider table, the extra column NULL', async () => {
    const type = catalog.table('loadout_changed')!;
    const older = type.columns.filter((c) => c.name !== 'perks');
    expect(fingerprintColumns(older)).not.toBe(type.fingerprint);
    await createTable('lc_old', type.columns);
    const t = micros('2026-11-22T10:05:00Z');
    const current = stage(type.columns, [[uuid(1), t, uuid(1, 'cccc'), '["a"]', '{"x":1}']]);
    expect(await warehouse.merge(planFor('lc_old', type, [current], 'load-1'))).toMatchObject({ applied: true });
    // The older file updates key 1 (no perks value any more) and adds key 2.
    const old = stage(older, [
      [uuid(1), t, uuid(1, 'cccc'), '["b"]'],
      [uuid(2), t, uuid(2, 'cccc'), '[]'],
    ]);
    const plan = planFor('lc_old', type, [old], 'load-2', older);
    expect(plan.fingerprint).toBe(fingerprintColumns(older));
    expect(await warehouse.merge(plan)).toEqual({ applied: true, stagedRows: 2, mergedRows: 2 });
    expect((await dump('lc_old', 'id')).map((r) => [r.id, r.items, r.perks])).toEqual([
      [uuid(1), '["b"]', null],
      [uuid(2), '[]', null],
    ]);
    expect((await warehouse.ledger(SCHEMA, 'lc_old')).map((e) => e.fingerprint)).toEqual([
      type.fingerprint,
      fingerprintColumns(older),
    ]);
  });

  test('a failing load changes nothing and leaves the connection usable for the retry', async () => {
    const type = catalog.table('damage_dealt')!;
    await createTable('dd_fail', type.columns);
    const good = stage(type.columns, [
      [uuid(1), micros('2026-11-22T10:00:00Z'), uuid(1), uuid(1), 1, 'rifle', 1, true],
    ]);
    const missing = join(dir, 'never-written.parquet');
    const plan: MergePlan = {
      ...planFor('dd_fail', type, [good], 'load-1'),
      files: [
        { url: good, key: 'staged/dd_fail/a.parquet', bytes: 1 },
        { url: missing, key: 'staged/dd_fail/b.parquet', bytes: 1 },
      ],
    };
    // Several times: a leaked temp table on a pooled connection would make the next one fail differently.
    for (let i = 0; i < 5; i++) await expect(warehouse.merge(plan)).rejects.toThrow(/never-written|ENOENT/);
    expect(await dump('dd_fail', 'id')).toEqual([]);
    expect(await warehouse.ledger(SCHEMA, 'dd_fail')).toEqual([]);
    // The retry with the file in place (same manifest, same staging table names) goes through.
    for (let i = 0; i < 5; i++) {
      expect((await warehouse.merge(planFor('dd_fail', type, [good], `ok-${i}`))).applied).toBe(true);
    }
    expect(await dump('dd_fail', 'id')).toHaveLength(1);
  });

  test('a file whose columns differ from the plan is refused', async () => {
    const type = catalog.table('damage_dealt')!;
    await createTable('dd_cols', type.columns);
    const other = catalog.table('kiosk_weapon_offered')!;
    const file = stage(other.columns, [[uuid(1), micros('2026-11-22T10:00:00Z'), uuid(1), uuid(1), 1, 'rifle']]);
    await expect(warehouse.merge(planFor('dd_cols', type, [file], 'load-1'))).rejects.toThrow(/has columns/);
    expect(await warehouse.ledger(SCHEMA, 'dd_cols')).toEqual([]);
  });

  test('loads of one table queue behind each other; statement_timeout ends a load that waits too long', async () => {
    const type = catalog.table('damage_dealt')!;
    await createTable('dd_lock', type.columns);
    const file = stage(type.columns, [
      [uuid(1), micros('2026-11-22T10:00:00Z'), uuid(1), uuid(1), 1, 'rifle', 1, true],
    ]);
    const blocker = new pg.Client({ connectionString: server.url });
    await blocker.connect();
    const impatient = new PostgresWarehouse(server.url, { statementTimeoutMs: 500 });
    try {
      await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`loadout:${SCHEMA}.dd_lock`]);
      await expect(impatient.merge(planFor('dd_lock', type, [file], 'load-1'))).rejects.toThrow(/statement timeout/);
      // A patient load waits for the lock, then goes through.
      const waiting = warehouse.merge(planFor('dd_lock', type, [file], 'load-1'));
      await new Promise((r) => setTimeout(r, 300));
      await blocker.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`loadout:${SCHEMA}.dd_lock`]);
      expect((await waiting).applied).toBe(true);
      // Two at once with the same manifest: exactly one applies.
      const both = await Promise.all([
        warehouse.merge(planFor('dd_lock', type, [file], 'load-2')),
        warehouse.merge(planFor('dd_lock', type, [file], 'load-2')),
      ]);
      expect(both.map((o) => o.applied).sort()).toEqual([false, true]);
      expect(await dump('dd_lock', 'id')).toHaveLength(1);
      expect(await warehouse.ledger(SCHEMA, 'dd_lock')).toHaveLength(2);
    } finally {
      await blocker.end();
      await impatient.close();
    }
  });

  test('query takes $n parameters and returns JSON-friendly values', async () => {
    expect(
      await warehouse.query(
        'SELECT $1::bigint AS a, $2::text AS b, 9007199254740993::bigint AS big, 1.50::numeric AS n, 12::numeric AS i, NULL AS z',
        [42, 'x'],
      ),
      // Decimals as their text (result-values.ts), integers as numbers when exact.
    ).toEqual([{ a: 42, b: 'x', big: '9007199254740993', n: '1.50', i: 12, z: null }]);
  });
});

describe('PostgresWarehouse sessions', () => {
  test('run in UTC whatever the database default, keeping options given in the URL', async () => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query("ALTER DATABASE loadout_test SET timezone = 'Asia/Kolkata'");
    const zoned = new PostgresWarehouse(`${server.url}?options=${encodeURIComponent('-c search_path=loadout_pg')}`);
    try {
      expect(
        await zoned.query("SELECT current_setting('TimeZone') AS tz, current_setting('search_path') AS path"),
      ).toEqual([{ tz: 'UTC', path: 'loadout_pg' }]);
      expect(await zoned.query("SELECT '2026-11-22 15:35:00.5+05:30'::timestamptz AS t")).toEqual([
        { t: '2026-11-22T10:05:00.500000Z' },
      ]);
    } finally {
      await admin.query('ALTER DATABASE loadout_test RESET timezone');
      await admin.end();
      await zoned.close();
    }
  });
});
