/**
 * `loadout report --json` and `loadout query --json` print the same document, byte for byte, from
 * DuckDB and PostgreSQL loaded with the same corpus: timestamps in one ISO-8601 UTC form, dates,
 * integers as numbers, decimals as decimal text, doubles, booleans, text and NULLs alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../schemas/catalog';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { PostgresWarehouse } from '../../stores/warehouse/postgres-warehouse';
import { runLoadout } from '../helpers/loadout-cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { loadCorpus } from '../helpers/warehouse-corpus';

const SCHEMA = 'loadout';
let dir: string;
let server: PostgresServer;
let urls: { duckdb: string; postgres: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-report-across-'));
  server = await startPostgres();
  const catalog = await loadCatalog();
  const types = ['session_begin', 'session_end', 'purchase', 'match_end'].map((t) => catalog.table(t)!);
  urls = { duckdb: `duckdb:${join(dir, 'warehouse.duckdb')}`, postgres: server.url };
  for (const warehouse of [new DuckDbWarehouse(join(dir, 'warehouse.duckdb')), new PostgresWarehouse(server.url)]) {
    try {
      await loadCorpus(warehouse, types, { schema: SCHEMA, dir, rows: 40 });
    } finally {
      await warehouse.close();
    }
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The command's stdout on each warehouse; it must succeed on both. */
async function onBoth(args: string[]): Promise<{ duckdb: string; postgres: string }> {
  const out = { duckdb: '', postgres: '' };
  for (const which of ['duckdb', 'postgres'] as const) {
    const run = await runLoadout(args, { LOADOUT_HOME: join(dir, 'home'), LOADOUT_WAREHOUSE: urls[which] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    out[which] = run.stdout;
  }
  return out;
}

describe('the same answers from every warehouse', () => {
  it.each([['dau'], ['events'], ['bookings'], ['sessions']])('loadout report %s --json', async (kpi) => {
    const { duckdb, postgres } = await onBoth(['report', kpi, '--json']);
    expect(duckdb).toBe(postgres);
    const rows = JSON.parse(duckdb) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(1);
    const time = (rows[0]!.day ?? rows[0]!.hour) as string;
    expect(time).toMatch(
      kpi === 'dau' || kpi === 'sessions' ? /^\d{4}-\d\d-\d\d$/ : /^\d{4}-\d\d-\d\dT\d\d:00:00\.000000Z$/,
    );
  });

  it('loadout report --since, from a UTC date on', async () => {
    const { duckdb, postgres } = await onBoth(['report', 'events', '--since', '2026-10-14', '--json']);
    expect(duckdb).toBe(postgres);
    expect((JSON.parse(duckdb) as { hour: string }[]).every((r) => r.hour >= '2026-10-14')).toBe(true);
  });

  it('loadout query --json over rows of every type and computed values', async () => {
    const sql =
      `SELECT "id", "date", "psess", "amount", "currency", CAST("amount" AS DECIMAL(12, 2)) AS "exact", ` +
      `CAST("date" AS DATE) AS "day", "amount" > 5 AS "big", COUNT(*) OVER () AS "n", ` +
      `SUM(CAST(3 AS BIGINT)) OVER () AS "summed", CAST(NULL AS VARCHAR(8)) AS "nothing" ` +
      `FROM "loadout"."purchase" ORDER BY "id"`;
    const { duckdb, postgres } = await onBoth(['query', sql, '--json']);
    expect(duckdb).toBe(postgres);
    const [first] = JSON.parse(duckdb) as Record<string, unknown>[];
    expect(first).toEqual({
      id: 'id-000',
      date: '2026-10-13T22:00:00.123456Z',
      psess: 'psess-0',
      // Decimals as their exact text, the same on both (test/helpers/warehouse-corpus.ts: 12.3456).
      amount: '12.3456',
      currency: 'EUR',
      exact: '12.35',
      day: '2026-10-13',
      big: true,
      n: 40,
      summed: 120,
      nothing: null,
    });
  });
});
