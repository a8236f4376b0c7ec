/**
 * `loadout run` under the evolution setting, as a user runs it (child processes, the real dev
 * server, DuckDB and PostgreSQL): a strict run leaves a new attribute out; an evolve run loads it
 * into a new column from the batch that carries it, with no replay; an attribute whose values turn
 * from integers to text widens its column to text, the stored values cast (docs/schemas.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { runLoadout } from '../helpers/loadout-cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { uuidFrom, writeObject } from '../helpers/raw-files';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
let postgres: PostgresServer;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-evolution-'));
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Hour `hour` of 2026-11-22: `n` purchases, each with `extra(i)` added. */
function writeHour(raw: string, hour: number, n: number, extra: (i: number) => object): void {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event: 'purchase',
      id: uuidFrom(`h${hour}-${i}`),
      date: `2026-11-22T${String(hour).padStart(2, '0')}:0${i}:00Z`,
      psess: uuidFrom(`s${i}`),
      player_id: `p${i}`,
      sku: 'gold',
      amount: 1.5,
      currency: 'EUR',
      ...extra(i),
    }),
  );
  writeObject(raw, `2026/11/22/${String(hour).padStart(2, '0')}/t.gz`, gzipSync(`${lines.join('\n')}\n`));
}

describe.each([
  ['duckdb', (home: string) => `duckdb:${join(home, 'warehouse.duckdb')}`],
  ['postgres', () => postgres.url],
])('evolution on %s', (name, warehouseOf) => {
  test('strict leaves a new attribute out; evolve loads it without replay; integer then text widens to text', async () => {
    const home = join(dir, name);
    const raw = join(dir, `raw-${name}`);
    const warehouse = warehouseOf(home);
    const env = {
      LOADOUT_HOME: home,
      LOADOUT_RAW: raw,
      LOADOUT_WAREHOUSE: warehouse,
      LOADOUT_ENV: `evo-${name}-${suffix}`,
      LOADOUT_LOAD_EVERY: '1h',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      LOADOUT_TASK_QUEUE: uniqueTaskQueue(`evolution-${name}`),
    };
    const run = async (evolution: string) => {
      const outcome = await runLoadout(['run', '--json', '--evolution', evolution], env);
      expect(outcome.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
      expect(outcome.code).toBe(0);
      return JSON.parse(outcome.stdout) as { tables: Record<string, number> };
    };
    const rows = async (sql: string) => {
      const w = await openWarehouse(warehouse);
      try {
        return await w.query(sql);
      } finally {
        await w.close();
      }
    };
    const columns = async () =>
      (
        await rows(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'loadout' AND table_name = 'purchase' ORDER BY column_name`,
        )
      ).map((r) => `${String(r.column_name)} ${String(r.data_type).toLowerCase()}`);

    writeHour(raw, 9, 3, () => ({ store: 'steam' }));
    expect((await run('strict')).tables).toEqual({ purchase: 3 });
    expect((await columns()).filter((c) => c.startsWith('store'))).toEqual([]);

    // Evolve: the new attributes of hour 10 are columns, filled from that batch; hour 9 stays NULL (no replay).
    writeHour(raw, 10, 3, (i) => ({ store: 'epic', level: i + 1, loc: { x: i * 0.5 } }));
    // The summary counts the table's rows in the warehouse.
    expect((await run('evolve')).tables).toEqual({ purchase: 6 });
    const text = name === 'duckdb' ? 'varchar' : 'text';
    expect((await columns()).filter((c) => /^(store|level|loc_x) /.test(c))).toEqual([
      'level bigint',
      `loc_x ${name === 'duckdb' ? 'double' : 'double precision'}`,
      `store ${text}`,
    ]);
    const stores = await rows(
      `SELECT CAST("date" AS VARCHAR(40)) AS d, store, level FROM loadout.purchase ORDER BY "date"`,
    );
    expect(stores.map((r) => [r.store ?? null, r.level === null ? null : Number(r.level)])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      ['epic', 1],
      ['epic', 2],
      ['epic', 3],
    ]);

    // Integer, then text: the column becomes text and its stored values are cast, nothing dropped.
    writeHour(raw, 11, 2, () => ({ level: 'gold' }));
    expect((await run('evolve')).tables).toEqual({ purchase: 8 });
    expect((await columns()).filter((c) => c.startsWith('level '))).toEqual([`level ${text}`]);
    const levels = await rows(`SELECT level FROM loadout.purchase WHERE level IS NOT NULL ORDER BY "date"`);
    expect(levels.map((r) => r.level)).toEqual(['1', '2', '3', 'gold', 'gold']);
    // `schema list` shows the evolved columns at their widest type.
    const listed = JSON.parse((await runLoadout(['schema', 'list', '--json'], env)).stdout) as {
      table: string;
      columns: { name: string; type: string; evolved?: boolean }[];
    }[];
    const purchase = listed.find((t) => t.table === 'purchase')!;
    expect(purchase.columns.filter((c) => c.evolved).map((c) => `${c.name} ${c.type}`)).toEqual([
      'level string',
      'loc_x double',
      'store string',
    ]);
  });
});
