/** `loadout run` end to end, as a user runs it: a child process, the real dev server, DuckDB and PostgreSQL. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { generateTelemetry, type GenerateResult } from '../../generator/generate-telemetry';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { uniqueTaskQueue } from '../helpers/temporal';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
let dir: string;
let generated: GenerateResult;
let postgres: PostgresServer;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-run-'));
  generated = await generateTelemetry({ outDir: join(dir, 'raw'), events: 20_000, files: 6, seed: 11 });
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Each pipeline is its own environment (its own lake and warehouse) on the shared test server. */
async function loadoutRun(home: string, warehouse: string, environment: string, ...flags: string[]) {
  const { stdout } = await run(
    process.execPath,
    [bin, 'run', join(dir, 'raw'), '--json', '--warehouse', warehouse, '--env', environment, ...flags],
    {
      env: {
        ...process.env,
        LOADOUT_HOME: home,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        LOADOUT_TASK_QUEUE: uniqueTaskQueue('run'),
        LOADOUT_LOAD_EVERY: '1h',
      },
      maxBuffer: 64 << 20,
    },
  );
  return JSON.parse(stdout) as {
    files: number;
    batches: number;
    records: number;
    tables: Record<string, number>;
    duplicates: number;
    rejected: number;
    unknown: Record<string, number>;
    drift: { event: string; attribute: string }[];
  };
}

async function kpis(url: string) {
  const w = await openWarehouse(url);
  try {
    const q = (sql: string) => w.query(sql);
    const num = (rows: Record<string, unknown>[]) =>
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v instanceof Date ? v.toISOString() : v,
          ]),
        ),
      );
    return {
      dau: num(
        await q(
          'SELECT CAST("day" AS VARCHAR(10)) AS day, daily_active_users FROM loadout.kpi_daily_active_users ORDER BY 1',
        ),
      ),
      // Exact decimal text, not rounded: DuckDB and PostgreSQL must agree to the last digit.
      bookings: (
        await q(
          'SELECT CAST("hour" AS VARCHAR(19)) AS hour, currency, CAST(bookings AS VARCHAR(48)) AS bookings, purchases FROM loadout.kpi_bookings_per_hour ORDER BY 1, 2',
        )
      ).map((r): Record<string, unknown> => ({ ...r, purchases: Number(r.purchases) })),
      events: num(
        await q(
          'SELECT CAST("hour" AS VARCHAR(19)) AS hour, event, events FROM loadout.kpi_events_per_hour ORDER BY 1, 2',
        ),
      ),
      sessions: num(
        await q(
          'SELECT CAST("day" AS VARCHAR(10)) AS day, platform, sessions, ended_sessions, ROUND(CAST(mean_duration_s AS NUMERIC), 3) AS mean FROM loadout.kpi_sessions_per_day ORDER BY 1, 2',
        ),
      ),
    };
  } finally {
    await w.close();
  }
}

test('a generated corpus: one row per distinct valid event in DuckDB; a second run leaves identical tables', async () => {
  const home = join(dir, 'home-duckdb');
  const warehouse = `duckdb:${join(home, 'warehouse.duckdb')}`;
  const first = await loadoutRun(home, warehouse, `duck-${suffix}`);
  expect(first.files).toBe(6);
  expect(first.records).toBe(generated.records);
  expect(first.tables).toEqual(generated.expected.distinctValid);
  expect(first.duplicates).toBe(generated.expected.duplicates);
  expect(first.rejected).toBe(generated.expected.invalid);
  expect(first.unknown).toEqual(generated.expected.unknown);
  expect(first.drift.map((d) => `${d.event}.${d.attribute}`).sort()).toEqual(
    generated.expected.drift.map((d) => `${d.event}.${d.attribute}`).sort(),
  );
  const before = await kpis(warehouse);
  const second = await loadoutRun(home, warehouse, `duck-${suffix}`);
  expect(second.tables).toEqual(first.tables);
  expect(await kpis(warehouse)).toEqual(before);
  expect(before.dau).toEqual(
    Object.entries(generated.expected.kpi.dailyActiveUsers).map(([day, n]) => ({ day, daily_active_users: n })),
  );
});

test('the same corpus into PostgreSQL gives the same rows and identical KPIs', async () => {
  const duck = `duckdb:${join(dir, 'home-duckdb', 'warehouse.duckdb')}`;
  const result = await loadoutRun(join(dir, 'home-postgres'), postgres.url, `pg-${suffix}`);
  expect(result.tables).toEqual(generated.expected.distinctValid);
  const onDuck = await kpis(duck);
  expect(await kpis(postgres.url)).toEqual(onDuck);
  // Summed per currency, the exact bookings are the generator's price points added in cents.
  const units = new Map<string, bigint>();
  for (const r of onDuck.bookings)
    units.set(String(r.currency), (units.get(String(r.currency)) ?? 0n) + BigInt(String(r.bookings).replace('.', '')));
  expect(Object.fromEntries(units)).toEqual(
    Object.fromEntries(
      Object.entries(generated.expected.kpi.bookings).map(([c, v]) => [c, BigInt(Math.round(v * 100)) * 100n]),
    ),
  );
});

test('--workers 2: the batches split between two processes, the same rows', async () => {
  const home = join(dir, 'home-two');
  const result = await loadoutRun(home, `duckdb:${join(home, 'warehouse.duckdb')}`, `two-${suffix}`, '--workers', '2');
  // Six objects for two processes: at most two a batch, so three batches and each process has work.
  expect(result.batches).toBe(3);
  // Duplicates across batches are dropped by the load's merge, not counted by the batches: rows tell.
  expect(result.tables).toEqual(generated.expected.distinctValid);
  expect(result.rejected).toBe(generated.expected.invalid);
});
