/**
 * A load into PostgreSQL whose worker's backends are terminated (pg_terminate_backend, as a failover
 * or a DBA does) during a CREATE TABLE and during merges: the worker process lives on, the activities
 * fail with the operation named and retry, and every table ends exact, each manifest once. And a
 * worker killed while its merge commits: the retry reports the rows that merge recorded.
 */
import { createLedgerSql, ledgerTableOf } from '../../stores/warehouse/sql/merge-sql';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { PostgresWarehouse } from '../../stores/warehouse/postgres-warehouse';
import type { LoadResult } from '../../workflows/load-types';
import { groupMigrationWorkflowId, loadTableGroupWorkflowId } from '../../workflows/workflow-ids';
import { tableGroupOf } from '../../workflows/table-groups';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import { killWorkerProcess, startWorkerProcess } from '../helpers/worker-child';
import * as workflows from '../../workflows';
import { personalDataSchemaOf } from '../../activities/load-target';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

const SCHEMA = 'loadout';
const APP = 'loadout-faulty-worker';
let temporal: TemporalTestContext;
let server: PostgresServer;
let dir: string;
let child: ChildProcess | undefined;
const admins: pg.Client[] = [];

beforeAll(async () => {
  temporal = await connectTemporal();
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'loadout-load-pg-faults-'));
});

afterAll(async () => {
  if (child) await killWorkerProcess(child);
  for (const admin of admins) await admin.end().catch(() => {});
  await server?.stop();
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function adminClient(url = server.url): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  admins.push(client);
  return client;
}

/** The worker's backends waiting on a lock, by what they run, once `enough` says they are all there. */
async function waitingBackends(admin: pg.Client, enough: (waiting: { pid: number; query: string }[]) => boolean) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { rows } = await admin.query<{ pid: number; query: string }>(
      "SELECT pid, query FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [APP],
    );
    if (enough(rows)) return rows;
    if (Date.now() > deadline)
      throw new Error(`the worker's backends never waited as expected: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Messages of the failures that activity attempts of a workflow were retried after. */
async function retriedFailures(workflowId: string): Promise<string[]> {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    return started && (started.attempt ?? 1) > 1 && started.lastFailure?.message ? [started.lastFailure.message] : [];
  });
}

test('pg_terminate_backend during DDL and merges: the worker lives, the activities retry, every table is exact', async () => {
  const catalog = await loadCatalog();
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const generated = await generateTelemetry({ outDir: raw.location, events: 3_000, files: 3, seed: 11 });
  const taskQueue = uniqueTaskQueue('load-pg-faults');
  const environment = taskQueue;

  const stager = await testWorker(
    temporal,
    taskQueue,
    createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake }),
  );
  const staged = await stager.runUntil(
    ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      limits: { maxObjects: 1, maxBytes: 1 << 30 },
      environment: 'test',
    }),
  );
  expect(staged.failures).toEqual([]);

  const tables = catalog.tables.filter((t) => (generated.expected.distinctValid[t] ?? 0) > 0);
  expect(tables.length).toBeGreaterThan(4);
  const [ddlTable, ...mergeTables] = tables as [string, ...string[]];

  const warehouse = new PostgresWarehouse(server.url);
  await warehouse.ensureLedger(SCHEMA);
  // The first table's CREATE TABLE waits for this uncommitted one of the same name.
  const ddlBlocker = await adminClient();
  await ddlBlocker.query('BEGIN');
  await ddlBlocker.query(`CREATE TABLE ${SCHEMA}."${ddlTable}" (placeholder INTEGER)`);
  // Every other table's merge waits for its lock, inside its transaction on a checked-out connection.
  const mergeBlocker = await adminClient();
  for (const table of mergeTables) {
    await mergeBlocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`loadout:${SCHEMA}.${table}`]);
  }

  child = await startWorkerProcess(temporal, taskQueue, lake.location, `${server.url}?application_name=${APP}`);
  let exit: string | undefined;
  const exited = new Promise<never>((_, reject) =>
    child!.once('exit', (code, signal) => {
      exit = `the worker process exited (${code ?? signal})`;
      reject(new Error(exit));
    }),
  );
  exited.catch(() => {});
  const handle = await temporal.client.workflow.start(workflows.load, {
    workflowId: `${taskQueue}-load`,
    taskQueue,
    args: [{ environment, maxParallel: 4 }],
  });

  // One CREATE TABLE and the three other table groups' merges waiting: terminate them all.
  const admin = await adminClient();
  const waiting = await waitingBackends(
    admin,
    (rows) =>
      rows.some((r) => r.query.startsWith('CREATE TABLE')) &&
      rows.filter((r) => r.query.includes('pg_advisory_xact_lock')).length >= 3,
  );
  for (const { pid } of waiting) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(exit).toBeUndefined();

  await ddlBlocker.query('ROLLBACK');
  await mergeBlocker.query('SELECT pg_advisory_unlock_all()');
  const result = (await Promise.race([handle.result(), exited])) as LoadResult;
  expect(exit).toBeUndefined();
  await killWorkerProcess(child);
  child = undefined;

  // The attempts that lost their connection failed naming what they did, and were retried.
  expect(await retriedFailures(groupMigrationWorkflowId(environment, tableGroupOf(ddlTable)))).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^PostgreSQL DDL statement \d+ of \d+ \(CREATE TABLE IF NOT EXISTS .*\) failed: terminating connection due to administrator command \[57P01\]/,
      ),
    ]),
  );
  const mergeRetries = (
    await Promise.all(
      [...new Set(mergeTables.map((t) => tableGroupOf(t)))].map((g) =>
        retriedFailures(loadTableGroupWorkflowId(environment, g)),
      ),
    )
  ).flat();
  expect(
    mergeRetries.filter((m) =>
      /^PostgreSQL merge of manifests\/.* \(lock\) failed: terminating connection due to administrator command/.test(m),
    ).length,
  ).toBeGreaterThanOrEqual(3);

  try {
    for (const table of tables) {
      const distinct = generated.expected.distinctValid[table]!;
      const key = catalog
        .table(table)!
        .uniqueKey.map((k) => `"${k}"`)
        .join(', ');
      const [row] = await warehouse.query(
        `SELECT count(*) AS n, count(DISTINCT (${key})) AS keys FROM ${SCHEMA}."${table}"`,
      );
      expect({ table, n: Number(row!.n), keys: Number(row!.keys) }).toEqual({ table, n: distinct, keys: distinct });
      const merged = result.tables.find((t) => t.table === table)!.manifests.reduce((n, m) => n + m.mergedRows, 0);
      expect({ table, merged }).toEqual({ table, merged: distinct });
    }
    // The personal-data store keeps its ledger in its own schema.
    const ledger = [...(await warehouse.ledger(SCHEMA)), ...(await warehouse.ledger(personalDataSchemaOf(SCHEMA)))];
    expect(new Set(ledger.map((l) => l.manifestKey)).size).toBe(ledger.length);
    expect(ledger.map((l) => l.manifestKey).sort()).toEqual(
      result.tables.flatMap((t) => t.manifests.map((m) => m.manifestKey)).sort(),
    );
  } finally {
    await warehouse.close();
  }
  const left: string[] = [];
  for await (const o of lake.list('staged/')) left.push(o.key);
  expect(left).toEqual([]);
});

test('a worker killed while its merge commits: the retried attempt reports the rows that merge recorded', async () => {
  const catalog = await loadCatalog();
  const raw = openObjectStore(join(dir, 'killed', 'raw'));
  const lake = openObjectStore(join(dir, 'killed', 'lake'));
  const generated = await generateTelemetry({ outDir: raw.location, events: 1_000, files: 2, seed: 12 });
  const taskQueue = uniqueTaskQueue('load-pg-killed');
  const environment = taskQueue;
  const stager = await testWorker(
    temporal,
    taskQueue,
    createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake }),
  );
  expect(
    (
      await stager.runUntil(
        ingestLocation({
          client: temporal.client,
          taskQueue,
          source: raw,
          limits: { maxObjects: 8, maxBytes: 1 << 30 },
          environment: 'test',
        }),
      )
    ).failures,
  ).toEqual([]);
  const table = catalog.tables.find((t) => (generated.expected.distinctValid[t] ?? 0) > 0)!;
  const distinct = generated.expected.distinctValid[table]!;

  // A database of its own, whose ledger holds every COMMIT that writes a row for 3 s: long enough
  // to kill the worker while its merge commits (the server finishes the commit without it).
  const admin = await adminClient();
  await admin.query('CREATE DATABASE loadout_killed');
  const url = server.url.replace(/\/[^/]*$/, '/loadout_killed');
  const warehouse = new PostgresWarehouse(url);
  await warehouse.ensureLedger(SCHEMA);
  // The table's own ledger, which its merge writes (created here so the trigger can be put on it).
  await warehouse.runDdl([createLedgerSql(SCHEMA, table)]);
  const db = await adminClient(url);
  await db.query(
    `CREATE FUNCTION ${SCHEMA}.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$`,
  );
  await db.query(`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON ${SCHEMA}.${ledgerTableOf(table)} DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.slow_commit()`);

  const workerUrl = `${url}?application_name=${APP}`;
  child = await startWorkerProcess(temporal, taskQueue, lake.location, workerUrl);
  const handle = await temporal.client.workflow.start(workflows.load, {
    workflowId: `${taskQueue}-load`,
    taskQueue,
    args: [{ environment, tables: [table], lostWorkerTimeout: '3s' }],
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { rows } = await db.query(
      "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query = 'COMMIT' AND wait_event = 'PgSleep'",
      [APP],
    );
    if (rows.length > 0) break;
    if (Date.now() > deadline) throw new Error('the merge never reached its COMMIT');
    await new Promise((r) => setTimeout(r, 50));
  }
  await killWorkerProcess(child);
  child = await startWorkerProcess(temporal, taskQueue, lake.location, workerUrl);
  const result = (await handle.result()) as LoadResult;
  await killWorkerProcess(child);
  child = undefined;

  try {
    // The killed attempt's commit went through: the retry found its manifest in the ledger.
    expect(
      result.tables.map((t) => [t.table, t.manifests.map((m) => ({ applied: m.applied, mergedRows: m.mergedRows }))]),
    ).toEqual([[table, [{ applied: false, mergedRows: distinct }]]]);
    const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${SCHEMA}."${table}"`);
    expect(Number(row!.n)).toBe(distinct);
    expect((await warehouse.ledger(SCHEMA, table)).map((l) => l.rows)).toEqual([distinct]);
  } finally {
    await warehouse.close();
  }
});
