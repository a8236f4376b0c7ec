/**
 * schemaMigration on a real dev server against real warehouses (a DuckDB file and a PostgreSQL
 * cluster): tables created, columns added under staged files of older fingerprints, a type change
 * refused with nothing altered while other tables load, and the workflow started by the stock
 * `temporal` CLI with its documented JSON input.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { collectStatus } from '../../cli/status';
import { loadConfig } from '../../config/load-config';
import { withLineage } from '../../schemas/lineage-columns';
import { type Catalog, loadCatalog } from '../../schemas/catalog';
import type { EventType } from '../../schemas/define-event';
import purchase from '../../schemas/events/purchase';
import sessionBegin from '../../schemas/events/session-begin';
import { integer, string } from '../../schemas/fields';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import type { ExistingColumn, Warehouse } from '../../stores/warehouse/warehouse';
import { temporalBinary } from '../../workers/temporal-binary';
import type { LoadResult } from '../../workflows/load-types';
import { loadTableGroupWorkflowId } from '../../workflows/workflow-ids';
import { tableGroupOf } from '../../workflows/table-groups';
import type { SchemaMigrationInput, SchemaMigrationResult } from '../../workflows/schema-migration-types';
import { LOADOUT_STAGE } from '../../workflows/search-attributes';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { uuidFrom, writeObject, writeSessionsObject } from '../helpers/raw-files';
import { catalogWith as catalogWithTypes, withFields } from '../helpers/schema-changes';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import * as workflows from '../../workflows';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

const execFileAsync = promisify(execFile);

let temporal: TemporalTestContext;
let shipped: Catalog;
let dir: string;
let postgres: PostgresServer;

beforeAll(async () => {
  temporal = await connectTemporal();
  shipped = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-migration-'));
  postgres = await startPostgres();
});

afterAll(async () => {
  await temporal?.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Changes a studio might make to the shipped purchase and session_begin schemas.
const purchaseWithCoupon = withFields(purchase, { coupon: string({ max: 32 }).optional() });
const purchaseWholeAmounts = withFields(purchase, { amount: integer({ min: 0 }) });
const sessionBeginWithBuild = withFields(sessionBegin, { build: string({ max: 16 }).optional() });

/** The shipped catalog with some event types replaced: what a worker sees after a schema change. */
const catalogWith = (...changed: EventType[]): Catalog => catalogWithTypes(shipped, ...changed);

/** Purchases as the game would log them after the change: whole amounts, a coupon when given. */
function writePurchases(
  root: string,
  key: string,
  n: number,
  seed: string,
  extra: { amount: number; coupon?: string },
) {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event: 'purchase',
      id: uuidFrom(`${seed}-u-${i}`),
      date: '2026-11-22T12:00:00Z',
      psess: uuidFrom(`${seed}-p-${i}`),
      player_id: `player-${i}`,
      sku: 'gold_pack',
      amount: extra.amount,
      currency: 'EUR',
      ...(extra.coupon ? { coupon: extra.coupon } : {}),
    }),
  );
  writeObject(root, key, gzipSync(`${lines.join('\n')}\n`));
}

interface Pipeline {
  environment: string;
  taskQueue: string;
  raw: ObjectStore;
  lake: ObjectStore;
  warehouseUrl: string;
  schema: string;
  /** Runs `work` with a worker whose catalog is `catalog` (a worker redeployed with new schemas). */
  withWorker<T>(catalog: Catalog, work: () => Promise<T>): Promise<T>;
  ingest(prefix: string): Promise<void>;
  load(id: string): Promise<LoadResult>;
  migrate(id: string, input: Omit<SchemaMigrationInput, 'environment'>): Promise<SchemaMigrationResult>;
  warehouse<T>(work: (w: Warehouse) => Promise<T>): Promise<T>;
}

const dialects = [
  { dialect: 'duckdb', url: (name: string) => `duckdb:${join(dir, name, 'w.duckdb')}` },
  { dialect: 'postgres', url: () => postgres.url },
];

function pipeline(name: string, url: string): Pipeline {
  const taskQueue = uniqueTaskQueue(name);
  const environment = taskQueue;
  const raw = openObjectStore(join(dir, name, 'raw'));
  const lake = openObjectStore(join(dir, name, 'lake'));
  // Its own warehouse schema: the PostgreSQL cluster is shared by this file's tests.
  const schema = `m_${taskQueue.slice(-8).replaceAll('-', '_')}`;
  const p: Pipeline = {
    environment,
    taskQueue,
    raw,
    lake,
    warehouseUrl: url,
    schema,
    async withWorker(catalog, work) {
      const worker = await testWorker(
        temporal,
        taskQueue,
        createActivities({
          personalKeys: TEST_PERSONAL_KEYS,
          catalog,
          lake,
          warehouseUrl: url,
          warehouseSchema: schema,
        }),
      );
      return worker.runUntil(work());
    },
    async ingest(prefix) {
      const outcome = await ingestLocation({
        client: temporal.client,
        taskQueue,
        source: raw,
        prefix,
        limits: { maxObjects: 8, maxBytes: 1 << 30 },
        environment,
      });
      expect(outcome.failures).toEqual([]);
    },
    async load(id) {
      return (await temporal.client.workflow.execute(workflows.load, {
        workflowId: `${taskQueue}-load-${id}`,
        taskQueue,
        args: [{ environment }],
      })) as LoadResult;
    },
    async migrate(id, input) {
      return (await temporal.client.workflow.execute(workflows.schemaMigration, {
        workflowId: `${taskQueue}-migrate-${id}`,
        taskQueue,
        args: [{ environment, ...input }],
      })) as SchemaMigrationResult;
    },
    async warehouse(work) {
      const w = await openWarehouse(url);
      try {
        return await work(w);
      } finally {
        await w.close();
      }
    },
  };
  return p;
}

const shape = (columns: ExistingColumn[] | undefined) =>
  columns?.map((c) => `${c.name} ${c.warehouseType}${c.nullable ? '' : ' not null'}`);

async function stagedKeys(lake: ObjectStore, table: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of lake.list(`staged/${table}/`)) keys.push(o.key);
  return keys;
}

/** The workflow's failure: its ApplicationFailure (type, message, details). */
async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe.each(dialects)('schemaMigration on $dialect', ({ dialect, url }) => {
  test('missing tables: planned without a change, then created as declared; a second apply has nothing to do', async () => {
    const p = pipeline(`create-${dialect}`, url(`create-${dialect}`));
    await p.withWorker(shipped, async () => {
      const planned = await p.migrate('plan', { tables: ['purchase', 'session_begin'] });
      expect(planned.apply).toBe(false);
      expect(planned.tables.map((t) => [t.table, t.plan.changes.map((c) => c.kind), t.applied.length])).toEqual([
        ['purchase', ['createTable'], 0],
        ['session_begin', ['createTable'], 0],
      ]);
      expect(await p.warehouse((w) => w.describeTable(p.schema, 'purchase'))).toBeUndefined();

      const applied = await p.migrate('apply', { tables: ['purchase', 'session_begin'], apply: true });
      expect(applied.tables.map((t) => t.applied.map((c) => c.kind))).toEqual([['createTable'], ['createTable']]);
      const described = await p.warehouse((w) => w.describeTable(p.schema, 'purchase'));
      expect(described!.map((c) => [c.name, c.type, c.nullable])).toEqual(
        withLineage(shipped.table('purchase')!.columns).map((c) => [c.name, c.type, c.nullable]),
      );
      if (dialect === 'postgres') {
        const indexes = await p.warehouse((w) =>
          w.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [p.schema, 'purchase']),
        );
        expect(indexes).toEqual([{ indexname: 'purchase_loadout_key' }]);
      }
      const handle = temporal.client.workflow.getHandle(`${p.taskQueue}-migrate-apply`);
      expect((await handle.describe()).typedSearchAttributes.get(LOADOUT_STAGE)).toBe('migrated');

      const again = await p.migrate('again', { tables: ['purchase', 'session_begin'], apply: true });
      expect(again.tables.map((t) => [t.plan.changes.length, t.plan.refused.length, t.applied.length])).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
    });
  });

  test('a column added: staged files of the older fingerprint and of the new one both load, into one table', async () => {
    const p = pipeline(`grow-${dialect}`, url(`grow-${dialect}`));
    const coupons = catalogWith(purchaseWithCoupon);
    await p.withWorker(shipped, async () => {
      writeSessionsObject(p.raw.location, '2026/11/22/10/a.gz', 10, 'grow-a');
      await p.ingest('2026/11/22/10/');
      const first = await p.load('first');
      // The tables did not exist: their group's schemaMigration child created them.
      // The personal-data store's table too, in its own schema.
      expect(first.tables.map((t) => [t.table, t.created])).toEqual([
        ['personal_data', true],
        ['purchase', true],
        ['session_begin', true],
      ]);
      // Staged under the old schema, not loaded yet when the new schema ships.
      writeSessionsObject(p.raw.location, '2026/11/22/11/b.gz', 5, 'grow-b');
      await p.ingest('2026/11/22/11/');
    });
    await p.withWorker(coupons, async () => {
      writePurchases(p.raw.location, '2026/11/22/12/c.gz', 4, 'grow-c', { amount: 2.5, coupon: 'SPRING' });
      await p.ingest('2026/11/22/12/');
      const fingerprints = new Set((await stagedKeys(p.lake, 'purchase')).map((k) => k.split('/')[2]!.slice(0, 16)));
      expect(fingerprints).toEqual(new Set([shipped.table('purchase')!.fingerprint, purchaseWithCoupon.fingerprint]));

      const second = await p.load('second');
      const purchase = second.tables.find((t) => t.table === 'purchase')!;
      expect(purchase).toMatchObject({ created: false, addedColumns: ['coupon'] });
      expect(purchase.manifests.map((m) => m.applied)).toEqual([true, true]);
      expect(await stagedKeys(p.lake, 'purchase')).toEqual([]);
      const rows = await p.warehouse((w) =>
        w.query(
          `SELECT COUNT(*) AS n, COUNT("coupon") AS with_coupon, COUNT(DISTINCT "id") AS ids FROM "${p.schema}"."purchase"`,
        ),
      );
      expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])))).toEqual([
        { n: 19, with_coupon: 4, ids: 19 },
      ]);
      const described = await p.warehouse((w) => w.describeTable(p.schema, 'purchase'));
      expect(described!.at(-1)).toMatchObject({ name: 'coupon', type: 'string', nullable: true });
      // Staging tables are TEMP tables of the merge's session, named by fingerprint: none outlives its merge.
      const staging = await p.warehouse((w) =>
        w.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'stg_%'"),
      );
      expect(staging).toEqual([]);
    });
  });

  test('a type change is refused with the plan, nothing altered; the other table loads; the files wait, shown in status, until the plan is carried out', async () => {
    const p = pipeline(`refuse-${dialect}`, url(`refuse-${dialect}`));
    const wholeAmounts = catalogWith(purchaseWholeAmounts);
    await p.withWorker(shipped, async () => {
      writeSessionsObject(p.raw.location, '2026/11/22/10/a.gz', 6, 'refuse-a');
      await p.ingest('2026/11/22/10/');
      await p.load('first');
    });
    const before = await p.warehouse((w) => w.describeTable(p.schema, 'purchase'));
    const count = (table: string) =>
      p.warehouse(async (w) => Number((await w.query(`SELECT COUNT(*) AS n FROM "${p.schema}"."${table}"`))[0]!.n));

    await p.withWorker(wholeAmounts, async () => {
      writeSessionsObject(p.raw.location, '2026/11/22/11/b.gz', 4, 'refuse-b'); // its 4.99 amounts are rejects now
      writePurchases(p.raw.location, '2026/11/22/11/c.gz', 3, 'refuse-c', { amount: 5 });
      await p.ingest('2026/11/22/11/');
      const waiting = await stagedKeys(p.lake, 'purchase');
      expect(waiting).toHaveLength(1);

      // The schemaMigration workflow alone: refused, with the plan as its message.
      const refused = await failureOf(p.migrate('refused', { tables: ['purchase'], apply: true }));
      expect(refused.type).toBe('RefusedMigration');
      expect(refused.nonRetryable).toBe(true);
      const [head, line] = refused.message.split('\n');
      expect(head).toBe(
        'schema migration refused for purchase (amount): that table was not altered and its staged files wait until the plan is carried out',
      );
      expect(line).toMatch(/purchase\.amount: amount is (decimal|numeric)\(18,4\)/);
      expect(line).toContain(
        `declared int64 (BIGINT); converting the stored values could fail or change them. To do: to rebuild the table with its rows converted, in one transaction: loadout migrate --rebuild purchase --apply; or to convert the column in place run: `,
      );
      expect(line).toContain(
        `ALTER TABLE "${p.schema}"."purchase" ALTER COLUMN "amount" TYPE BIGINT USING CAST("amount" AS BIGINT)`,
      );
      const details = refused.details![0] as SchemaMigrationResult;
      expect(details.tables[0]!.applied).toEqual([]);

      // A load: session_begin loads, purchase fails with the plan, and the load fails at the end.
      const load = await failureOf(p.load('second'));
      expect(load.message).toMatch(
        /^load of 1 table\(s\) failed: purchase: schema migration refused for purchase \(amount\)/,
      );
      expect(await count('session_begin')).toBe(10);
      expect(await count('purchase')).toBe(6);
      expect(await stagedKeys(p.lake, 'purchase')).toEqual(waiting);
      const group = await temporal.client.workflow
        .getHandle(loadTableGroupWorkflowId(p.environment, tableGroupOf('purchase')))
        .describe();
      expect(group.status.name).toBe('FAILED');
      expect(await p.warehouse((w) => w.describeTable(p.schema, 'purchase'))).toEqual(before);

      // loadout status names the block and its reason beside the waiting files.
      const config = {
        ...loadConfig({ home: dir, lake: p.lake.location, warehouse: p.warehouseUrl }, {}, dir),
        env: p.environment,
        warehouseSchema: p.schema,
      };
      const status = await p.warehouse((w) => collectStatus(config, wholeAmounts, temporal.client, p.lake, w));
      const purchase = status.tables.find((t) => t.table === 'purchase')!;
      expect(purchase).toMatchObject({ stagedFiles: 1, stagedFingerprints: [purchaseWholeAmounts.fingerprint] });
      expect(purchase.migration.refused).toEqual([
        expect.stringMatching(/^amount: amount is (decimal|numeric)\(18,4\).* To do: to rebuild the table .* run: /),
      ]);
      expect(status.tables.find((t) => t.table === 'session_begin')!.migration).toEqual({ pending: [], refused: [] });

      // The operator carries out the plan's statements; the next load takes the waiting files.
      await p.warehouse((w) => w.runDdl(details.tables[0]!.plan.refused[0]!.sql));
      const third = await p.load('third');
      expect(third.tables.find((t) => t.table === 'purchase')!.manifests.map((m) => m.mergedRows)).toEqual([3]);
      expect(await count('purchase')).toBe(9);
      expect(await stagedKeys(p.lake, 'purchase')).toEqual([]);
      expect(
        (await p.warehouse((w) => w.describeTable(p.schema, 'purchase')))!.find((c) => c.name === 'amount'),
      ).toMatchObject({ type: 'int64' });
      expect(third.views).toContain('kpi_bookings_per_hour');
    });
  });

  test('several tables: a refusal in one fails the run, the additive change of another is still applied', async () => {
    const p = pipeline(`mixed-${dialect}`, url(`mixed-${dialect}`));
    await p.withWorker(shipped, () => p.migrate('create', { tables: ['purchase', 'session_begin'], apply: true }));
    const before = await p.warehouse((w) => w.describeTable(p.schema, 'purchase'));
    await p.withWorker(catalogWith(purchaseWholeAmounts, sessionBeginWithBuild), async () => {
      const failure = await failureOf(p.migrate('mixed', { apply: true }));
      expect(failure.type).toBe('RefusedMigration');
      const result = failure.details![0] as SchemaMigrationResult;
      const byTable = Object.fromEntries(result.tables.map((t) => [t.table, t]));
      expect(byTable.session_begin!.applied.map((c) => [c.kind, c.column])).toEqual([['addColumn', 'build']]);
      expect(byTable.purchase!.applied).toEqual([]);
      // Tables never loaded are created by --apply too.
      expect(byTable.match_end!.applied.map((c) => c.kind)).toEqual(['createTable']);
    });
    expect(shape(await p.warehouse((w) => w.describeTable(p.schema, 'purchase')))).toEqual(shape(before));
    expect((await p.warehouse((w) => w.describeTable(p.schema, 'session_begin')))!.map((c) => c.name)).toContain(
      'build',
    );
  });
});

test('the stock temporal CLI starts schemaMigration with the documented JSON input', async () => {
  const p = pipeline('stock-cli', `duckdb:${join(dir, 'stock-cli', 'w.duckdb')}`);
  const workflowId = `${p.taskQueue}-stock`;
  await p.withWorker(shipped, async () => {
    await execFileAsync(temporalBinary(), [
      'workflow',
      'start',
      '--address',
      temporal.address,
      '--namespace',
      temporal.namespace,
      '--task-queue',
      p.taskQueue,
      '--type',
      'schemaMigration',
      '--workflow-id',
      workflowId,
      '--input',
      JSON.stringify({ environment: p.environment, tables: ['session_end'], apply: true }),
    ]);
    const result = (await temporal.client.workflow.getHandle(workflowId).result()) as SchemaMigrationResult;
    expect(result.tables.map((t) => [t.table, t.applied.map((c) => c.kind)])).toEqual([
      ['session_end', ['createTable']],
    ]);
  });
  const described = await p.warehouse((w) => w.describeTable(p.schema, 'session_end'));
  expect(described!.map((c) => c.name)).toEqual(withLineage(shipped.table('session_end')!.columns).map((c) => c.name));
});
