/** PostgresWarehouse's COPY encodings, binary and CSV, against a real PostgreSQL cluster: NULLs, awkward text, timestamps. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { microsToIso } from '../../../stores/warehouse/postgres-copy-encoders';
import { PostgresWarehouse } from '../../../stores/warehouse/postgres-warehouse';
import {
  SCHEMA,
  catalog,
  createTable,
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

test('microsToIso: microseconds since the epoch to ISO-8601 UTC', () => {
  expect(microsToIso(0)).toBe('1970-01-01T00:00:00.000000Z');
  expect(microsToIso(-1n)).toBe('1969-12-31T23:59:59.999999Z');
  expect(microsToIso(1_795_341_900_123_456n)).toBe('2026-11-22T10:05:00.123456Z');
  expect(microsToIso(1_795_341_900_123_456)).toBe('2026-11-22T10:05:00.123456Z');
  // Beyond 2^53 µs (year 2255) the exact BigInt path takes over.
  expect(microsToIso(253_402_300_799_999_999n)).toBe('9999-12-31T23:59:59.999999Z');
});

describe.each(['binary', 'csv'] as const)('PostgresWarehouse, COPY format %s', (format) => {
  let loader: PostgresWarehouse;
  beforeAll(() => {
    loader = new PostgresWarehouse(server.url, { copyFormat: format });
  });
  afterAll(async () => {
    await loader?.close();
  });

  test('NULL and empty strings stay apart; awkward text and microsecond timestamps survive', async () => {
    const type = catalog.table('loadout_changed')!;
    await createTable(`lc_${format}`, type.columns);
    const exact = micros('2026-11-22T10:05:00Z', 123_456);
    const texts = ['', '""', 'a,b', 'line\nbreak\r\nx', 'back\\slash', 'quote " inside', '\\N', 'NULL', 'ünï😀'];
    const rows: unknown[][] = [
      [uuid(1), exact, uuid(1, 'cccc'), '[]', null],
      [uuid(2), exact + 1, uuid(2, 'cccc'), '', ''],
      ...texts.map((s, i) => [uuid(10 + i), micros('1999-12-31T23:59:59Z', 999_999), uuid(3, 'cccc'), s, s]),
    ];
    const file = stage(type.columns, rows);
    expect(await loader.merge(planFor(`lc_${format}`, type, [file], 'load-1'))).toMatchObject({
      applied: true,
      stagedRows: rows.length,
    });
    const back = await dump(`lc_${format}`, 'id');
    expect(back.map((r) => [r.id, r.items, r.perks])).toEqual(rows.map((r) => [r[0], r[3], r[4]]));
    expect(await warehouse.query(`SELECT count(*) AS n FROM ${SCHEMA}.lc_${format} WHERE perks IS NULL`)).toEqual([
      { n: 1 },
    ]);
    expect(await warehouse.query(`SELECT count(*) AS n FROM ${SCHEMA}.lc_${format} WHERE perks = ''`)).toEqual([
      { n: 2 },
    ]);

    // Microseconds: in the database itself, and as the adapter reads them back.
    const [ts] = await warehouse.query(
      `SELECT date, to_char(date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS text, extract(microseconds FROM date)::bigint AS us
       FROM ${SCHEMA}.lc_${format} WHERE id = $1`,
      [uuid(1)],
    );
    expect(ts).toEqual({ date: '2026-11-22T10:05:00.123456Z', text: '2026-11-22T10:05:00.123456', us: 123_456 });
    expect((await warehouse.query(`SELECT date FROM ${SCHEMA}.lc_${format} WHERE id = $1`, [uuid(2)]))[0]!.date).toBe(
      '2026-11-22T10:05:00.123457Z',
    );
    expect((await warehouse.query(`SELECT date FROM ${SCHEMA}.lc_${format} WHERE id = $1`, [uuid(10)]))[0]!.date).toBe(
      '1999-12-31T23:59:59.999999Z',
    );
  });

  test('NULLs of every type load as NULL', async () => {
    const type = catalog.table('damage_dealt')!;
    // The same columns, all but the key nullable (a later schema that made them optional).
    const columns = type.columns.map((c) => (c.name === 'id' ? c : { ...c, nullable: true }));
    await createTable(`dd_nullable_${format}`, columns);
    const file = stage(columns, [
      [uuid(1), null, null, null, null, null, null, null],
      [uuid(2), micros('2026-01-01T00:00:00Z'), '', '', 0, '', 0, false],
      // Extremes: int64 beyond 2^53, a timestamp before 1970, doubles that text could mangle.
      [uuid(3), -1, 'x', 'y', 2n ** 62n, 'w', Number.NaN, true],
      [uuid(4), micros('2100-12-31T23:59:59Z', 999_999), 'x', 'y', -(2n ** 63n), 'w', Number.POSITIVE_INFINITY, true],
      [uuid(5), 0, 'x', 'y', -1, 'w', Number.NEGATIVE_INFINITY, true],
      [uuid(6), 0, 'x', 'y', 2n ** 63n - 1n, 'w', 5e-324, true],
      [uuid(7), 0, 'x', 'y', 1, 'w', 0.1 + 0.2, true],
      [uuid(8), 0, 'x', 'y', 1, 'w', -0, true],
    ]);
    const plan = planFor(`dd_nullable_${format}`, { ...type, columns }, [file], 'load-1', columns, columns);
    expect(await loader.merge(plan)).toMatchObject({ applied: true, stagedRows: 8 });
    const rows = await dump(`dd_nullable_${format}`, 'id');
    expect(rows.slice(0, 2)).toEqual([
      { id: uuid(1), date: null, gsess: null, psess: null, eid: null, weapon: null, amount: null, critical: null },
      {
        id: uuid(2),
        date: '2026-01-01T00:00:00.000000Z',
        gsess: '',
        psess: '',
        eid: 0,
        weapon: '',
        amount: 0,
        critical: false,
      },
    ]);
    expect(rows.slice(2).map((r) => [r.date, r.eid, r.amount])).toEqual([
      ['1969-12-31T23:59:59.999999Z', '4611686018427387904', Number.NaN],
      ['2100-12-31T23:59:59.999999Z', '-9223372036854775808', Number.POSITIVE_INFINITY],
      ['1970-01-01T00:00:00.000000Z', -1, Number.NEGATIVE_INFINITY],
      ['1970-01-01T00:00:00.000000Z', '9223372036854775807', 5e-324],
      ['1970-01-01T00:00:00.000000Z', 1, 0.30000000000000004],
      ['1970-01-01T00:00:00.000000Z', 1, -0],
    ]);
    expect(Object.is(rows[7]!.amount, -0)).toBe(true);
  });

  test('a string holding NUL (\\u0000) fails the load with the column named, changing nothing', async () => {
    const type = catalog.table('loadout_changed')!;
    await createTable(`lc_nul_${format}`, type.columns);
    const file = stage(type.columns, [[uuid(1), 0, uuid(1), '["a\u0000b"]', null]]);
    await expect(loader.merge(planFor(`lc_nul_${format}`, type, [file], 'load-1'))).rejects.toThrow(
      /column items: PostgreSQL text cannot hold the NUL/,
    );
    expect(await warehouse.ledger(SCHEMA, `lc_nul_${format}`)).toEqual([]);
  });
});
