/** `loadout doctor` for real on DuckDB and PostgreSQL: every step passes, nothing is left behind; a failure exits 1. */
import { readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../cli/doctor/run-doctor';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { runLoadout } from '../helpers/loadout-cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { freePort } from '../../workers/ports';

const STEPS = [
  'connect',
  'create schema',
  'create table',
  'stage',
  'copy and merge',
  'type mappings',
  'ledger',
  'kpi views',
  'clean up',
];

let dir: string;
let server: PostgresServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-doctor-'));
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Files left under a directory, recursively. */
function filesUnder(path: string): string[] {
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('loadout doctor', () => {
  it.each([['duckdb'], ['postgres']])('passes every step on %s and leaves nothing behind', async (which) => {
    const url = which === 'duckdb' ? `duckdb:${join(dir, 'w.duckdb')}` : server.url;
    const lake = join(dir, `lake-${which}`);
    const run = await runLoadout(['doctor', '--json', '--warehouse', url, '--lake', lake], {
      LOADOUT_HOME: join(dir, 'home'),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.warehouse).toBe(which);
    expect(report.schema).toMatch(/^loadout_doctor_\d{14}_[0-9a-f]{6}$/);
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual(STEPS.map((s) => [s, true]));
    expect(report.steps.find((s) => s.step === 'type mappings')!.detail).toMatch(/every value read back/);

    const warehouse = await openWarehouse(url);
    try {
      const left = await warehouse.query(
        `SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'loadout_doctor%'`,
      );
      expect(left).toEqual([]);
    } finally {
      await warehouse.close();
    }
    expect(filesUnder(lake)).toEqual([]);
  });

  it('fails with exit 1, the failing step and the cleanup when the warehouse cannot be reached', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
    const run = await runLoadout(['doctor', '--json', '--warehouse', url, '--lake', join(dir, 'lake-x')], {
      LOADOUT_HOME: join(dir, 'home'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^loadout: doctor: connect failed: .*ECONNREFUSED/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', false],
      ['clean up', false],
    ]);
  });
});
