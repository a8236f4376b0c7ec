/**
 * PostgresWarehouse when the server drops its connections: pg_terminate_backend (a failover, a DBA)
 * during a merge, during DDL and while idle, and a connection reset mid-COPY. Each fails the
 * operation with an error naming it, never the process (an unhandled 'error' event ends this test
 * fork with an uncaught exception, which fails the run), and the retry goes through with the table
 * exact.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import type { EventType } from '../../../schemas/define-event';
import { createPool, operationFailed } from '../../../stores/warehouse/pg-pool';
import { POSTGRES_TYPES, PostgresWarehouse } from '../../../stores/warehouse/postgres-warehouse';
import { createTableSql } from '../../../stores/warehouse/sql/merge-sql';
import type { MergePlan } from '../../../stores/warehouse/warehouse';
import { ParquetTableWriter } from '../../helpers/parquet-fixture-writer';
import { startPostgres, type PostgresServer } from '../../helpers/postgres-server';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';

const SCHEMA = 'loadout_faults';
const APP = 'loadout-faults';
let server: PostgresServer;
let admin: pg.Client;
let warehouse: PostgresWarehouse;
let catalog: Catalog;
let type: EventType;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  // application_name tells the warehouse's backends from the admin's in pg_stat_activity.
  warehouse = new PostgresWarehouse(`${server.url}?application_name=${APP}`);
  catalog = await loadCatalog();
  type = catalog.table('damage_dealt')!;
  dir = mkdtempSync(join(tmpdir(), 'loadout-pg-faults-'));
  await warehouse.ensureLedger(SCHEMA);
});

afterAll(async () => {
  await warehouse?.close();
  await admin?.end();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-11-22T10:00:00Z') * 1000;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const row = (n: number) => [uuid(n), T0 + n * 1_000_000, uuid(n), uuid(n), n, 'rifle', n / 2, n % 2 === 0];

let fileNo = 0;
/** A staged file of damage_dealt rows 1..n (and each of them twice when `twice`). */
function stage(n: number, twice = false): string {
  const path = join(dir, `${++fileNo}.parquet`);
  const writer = new ParquetTableWriter(path, type.columns);
  for (let start = 1; start <= n; start += 50_000) {
    const rows = Array.from({ length: Math.min(50_000, n - start + 1) }, (_, i) => row(start + i));
    const all = twice ? [...rows, ...rows] : rows;
    writer.writeRowGroup(
      type.columns.map((_, c) => all.map((r) => r[c])),
      all.length,
    );
  }
  writer.close();
  return path;
}

function planFor(table: string, files: string[], manifest: string): MergePlan {
  const columns = type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));
  return {
    schema: SCHEMA,
    table,
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: files.map((url) => ({ url, key: `staged/${table}/${basename(url)}`, bytes: statSync(url).size })),
    manifestKey: `manifests/${table}/${manifest}.json`,
    manifestUrl: `file://${dir}/manifests/${table}/${manifest}.json`,
  };
}

async function createTable(table: string): Promise<void> {
  await warehouse.runDdl([createTableSql(SCHEMA, table, type.columns, POSTGRES_TYPES)]);
}

/** The warehouse's backends waiting for a lock, once at least `count` of them are. */
async function waitingBackends(count = 1): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [APP],
    );
    if (rows.length >= count) return rows.map((r) => r.pid);
    if (Date.now() > deadline) throw new Error(`no ${count} backend(s) of ${APP} waiting for a lock`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function terminate(pids: number[]): Promise<void> {
  for (const pid of pids) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
}

async function tableState(table: string): Promise<{ rows: number; keys: number; ledger: number }> {
  const [counts] = await warehouse.query(`SELECT count(*) AS rows, count(DISTINCT id) AS keys FROM ${SCHEMA}.${table}`);
  return {
    rows: Number(counts!.rows),
    keys: Number(counts!.keys),
    ledger: (await warehouse.ledger(SCHEMA, table)).length,
  };
}

describe('PostgresWarehouse when the server drops the connection', () => {
  test('pg_terminate_backend during a merge fails that merge with its name; the retry loads the table exactly', async () => {
    await createTable('dd_merge');
    const file = stage(500, true);
    const lock = `loadout:${SCHEMA}.dd_merge`;
    // Hold the table's merge lock, so the merge waits inside its transaction on a checked-out client.
    await admin.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lock]);
    try {
      const merging = warehouse.merge(planFor('dd_merge', [file], 'load-1'));
      const failed = expect(merging).rejects.toThrow(
        /^PostgreSQL merge of manifests\/dd_merge\/load-1\.json into loadout_faults\.dd_merge \(lock\) failed: terminating connection due to administrator command \[57P01\]/,
      );
      await terminate(await waitingBackends());
      await failed;
      // A plain Error, which Temporal retries (its failure type is 'Error').
      await expect(merging.catch((e: Error) => e.constructor)).resolves.toBe(Error);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lock]);
    }
    expect(await tableState('dd_merge')).toEqual({ rows: 0, keys: 0, ledger: 0 });
    expect(await warehouse.merge(planFor('dd_merge', [file], 'load-1'))).toEqual({
      applied: true,
      stagedRows: 500,
      mergedRows: 500,
    });
    expect(await tableState('dd_merge')).toEqual({ rows: 500, keys: 500, ledger: 1 });
  });

  test('pg_terminate_backend during DDL fails that statement with its name; the retry applies it', async () => {
    await createTable('dd_ddl');
    const alter = `ALTER TABLE ${SCHEMA}.dd_ddl ADD COLUMN IF NOT EXISTS extra TEXT`;
    // A reader's open transaction holds the lock ALTER TABLE waits for.
    const reader = new pg.Client({ connectionString: server.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query(`SELECT count(*) FROM ${SCHEMA}.dd_ddl`);
      const altering = warehouse.runDdl([alter]);
      const failed = expect(altering).rejects.toThrow(
        /^PostgreSQL DDL statement 1 of 1 \(ALTER TABLE loadout_faults\.dd_ddl ADD COLUMN IF NOT EXISTS extra TEXT\) failed: terminating connection due to administrator command \[57P01\]/,
      );
      await terminate(await waitingBackends());
      await failed;
    } finally {
      await reader.query('ROLLBACK');
      await reader.end();
    }
    await warehouse.runDdl([alter]);
    expect((await warehouse.describeTable(SCHEMA, 'dd_ddl'))?.map((c) => c.name)).toContain('extra');
  });

  test('idle pooled connections terminated: the next query opens new ones', async () => {
    const before = await warehouse.query('SELECT pg_backend_pid() AS pid');
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [APP],
    );
    expect(rows.map((r) => r.pid)).toContain(before[0]!.pid);
    await terminate(rows.map((r) => r.pid));
    await new Promise((r) => setTimeout(r, 200));
    const after = await warehouse.query('SELECT pg_backend_pid() AS pid');
    expect(after[0]!.pid).not.toBe(before[0]!.pid);
  });
});

describe('createPool', () => {
  test('a checked-out client whose backend is terminated between statements: no crash, and the next statement says why', async () => {
    const pool = createPool({ connectionString: `${server.url}?application_name=${APP}-pool` });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise((resolve) => client.once('end', resolve));
      await terminate([rows[0]!.pid]);
      await ended;
      const error = await client.query('SELECT 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(error)).toMatch(/not queryable/);
      expect(operationFailed('testing', error, client).message).toBe(
        'PostgreSQL testing failed: Client has encountered a connection error and is not queryable; ' +
          'connection lost: terminating connection due to administrator command',
      );
      client.release(error as Error);
      // The pool opens a new connection for the next caller.
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('PostgresWarehouse when the network resets the connection', () => {
  let proxy: TcpProxy;
  let proxied: PostgresWarehouse;

  beforeAll(async () => {
    const url = new URL(server.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    url.port = String(proxy.port);
    proxied = new PostgresWarehouse(url.toString());
  });

  afterAll(async () => {
    await proxied?.close();
    await proxy?.close();
  });

  test('a reset mid-COPY fails the merge at its copy, changing nothing; the retry loads the table exactly', async () => {
    await createTable('dd_copy');
    const rows = 120_000;
    const file = stage(rows);
    // The COPY streams megabytes; no other statement sends more than a few hundred bytes.
    const reset = proxy.resetConnectionSendingMoreThan(1 << 20);
    await expect(proxied.merge(planFor('dd_copy', [file], 'load-1'))).rejects.toThrow(
      /^PostgreSQL merge of manifests\/dd_copy\/load-1\.json into loadout_faults\.dd_copy \(copy\) failed: /,
    );
    await reset;
    expect(await tableState('dd_copy')).toEqual({ rows: 0, keys: 0, ledger: 0 });
    expect(await proxied.merge(planFor('dd_copy', [file], 'load-1'))).toEqual({
      applied: true,
      stagedRows: rows,
      mergedRows: rows,
    });
    expect(await tableState('dd_copy')).toEqual({ rows, keys: rows, ledger: 1 });
  });
});
