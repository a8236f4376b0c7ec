/**
 * replay on a real dev server and a real DuckDB file: a window restaged after a schema gained a
 * field, only the tables asked for, loaded once; continue-as-new; the stock `temporal` CLI.
 */
import type { Worker } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import purchase from '../../schemas/events/purchase';
import { string } from '../../schemas/fields';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { temporalBinary } from '../../workers/temporal-binary';
import type { LoadResult } from '../../workflows/load-types';
import type { ReplayInput, ReplayResult } from '../../workflows/replay-types';
import { uuidFrom, writeObject } from '../helpers/raw-files';
import { catalogWith, withFields } from '../helpers/schema-changes';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import { gzipSync } from 'node:zlib';
import * as workflows from '../../workflows';
import { replayProgressQuery } from '../../workflows/replay';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

/** The shipped purchase event plus the attribute the game servers had started to send. */
const purchaseWithStore = withFields(purchase, { store: string({ max: 32 }).optional() });

let temporal: TemporalTestContext;
let shipped: Catalog;
let withStore: Catalog;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  shipped = await loadCatalog();
  withStore = catalogWith(shipped, purchaseWithStore);
  dir = mkdtempSync(join(tmpdir(), 'loadout-replay-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Session begins and purchases whose records carry `store`, an attribute the shipped schema lacks. */
function writeHour(root: string, key: string, seed: string, sessions: number): void {
  const lines: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const psess = uuidFrom(`${seed}-p-${i}`);
    lines.push(
      JSON.stringify({
        event: 'session_begin',
        id: uuidFrom(`${seed}-b-${i}`),
        date: '2026-11-22T10:00:00Z',
        psess,
        player_id: `p${i}`,
        platform: 'pc',
        app_version: '1',
      }),
    );
    lines.push(
      JSON.stringify({
        event: 'purchase',
        id: uuidFrom(`${seed}-u-${i}`),
        date: '2026-11-22T10:05:00Z',
        psess,
        player_id: `p${i}`,
        sku: 'gold',
        amount: 4.99,
        currency: 'EUR',
        store: `store-${seed}`,
      }),
    );
  }
  writeObject(root, key, gzipSync(`${lines.join('\n')}\n`));
}

function workerOn(catalog: Catalog, lake: ObjectStore, warehouseUrl: string, taskQueue: string): Promise<Worker> {
  return testWorker(
    temporal,
    taskQueue,
    createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake, warehouseUrl, warehouseSchema: 'loadout' }),
  );
}

async function warehouseState(url: string) {
  const w = new DuckDbWarehouse(url.slice('duckdb:'.length));
  try {
    const columns = (await w.describeTable('loadout', 'purchase'))!.map((c) => c.name);
    const purchases = columns.includes('store')
      ? await w.query(`SELECT id, player_id, amount, store FROM loadout.purchase ORDER BY id`)
      : await w.query(`SELECT id, player_id, amount FROM loadout.purchase ORDER BY id`);
    const sessions = await w.query(
      `SELECT md5(string_agg(id || player_id || CAST("date" AS VARCHAR), ',' ORDER BY id)) AS d, count(*)::INTEGER AS n FROM loadout.session_begin`,
    );
    const ledger = await w.ledger('loadout');
    return { columns, purchases, sessions: sessions[0]!, ledger };
  } finally {
    await w.close();
  }
}

describe('replay', () => {
  test('after a schema gained a field: the window is restaged and loaded with it, counts unchanged, other tables untouched', async () => {
    const raw = openObjectStore(join(dir, 'gained', 'raw'));
    const lake = openObjectStore(join(dir, 'gained', 'lake'));
    const warehouseUrl = `duckdb:${join(dir, 'gained', 'warehouse.duckdb')}`;
    writeHour(raw.location, '2026/11/22/10/a.gz', 'ten-a', 6);
    writeHour(raw.location, '2026/11/22/10/b.gz', 'ten-b', 4);
    writeHour(raw.location, '2026/11/22/11/c.gz', 'eleven', 5);
    // No partition in the key: its creation time places it (in hour 10).
    writeHour(raw.location, 'late/d.gz', 'late', 3);
    utimesSync(join(raw.location, 'late/d.gz'), new Date('2026-11-22T10:30:00Z'), new Date('2026-11-22T10:30:00Z'));

    // First pass with the shipped schema: `store` is drift, not a column.
    const before = uniqueTaskQueue('replay-v1');
    await (
      await workerOn(shipped, lake, warehouseUrl, before)
    ).runUntil(async () => {
      const ingest = await ingestLocation({
        client: temporal.client,
        taskQueue: before,
        source: raw,
        limits: { maxObjects: 1, maxBytes: 1 << 30 },
        environment: before,
      });
      expect(ingest.failures).toEqual([]);
      await temporal.client.workflow.execute(workflows.load, {
        workflowId: `${before}-load`,
        taskQueue: before,
        args: [{ environment: before }],
      });
    });
    const loaded = await warehouseState(warehouseUrl);
    expect(loaded.columns).not.toContain('store');
    expect(loaded.purchases).toHaveLength(18);

    // The schema gains `store`; replay hour 10 for purchase only, listing one object per page and
    // continuing as new after every page, as a long window would.
    const after = uniqueTaskQueue('replay-v2');
    const input: ReplayInput = {
      environment: after,
      source: raw.location,
      from: '2026-11-22T10:00:00Z',
      to: '2026-11-22T11:00:00Z',
      tables: ['purchase'],
      pageSize: 1,
      pagesPerRun: 1,
      batchObjects: 1,
    };
    await (
      await workerOn(withStore, lake, warehouseUrl, after)
    ).runUntil(async () => {
      const handle = await temporal.client.workflow.start(workflows.replay, {
        workflowId: `${after}-replay`,
        taskQueue: after,
        args: [input],
      });
      const result = (await handle.result()) as ReplayResult;
      expect(result.failures).toEqual([]);
      expect(result.progress).toMatchObject({
        phase: 'done',
        objects: 3,
        batches: 3,
        batchesDone: 3,
        batchesAlreadyDone: 0,
        batchesFailed: 0,
        rowsStaged: { purchase: 13 },
      });
      // Keys a, b, then c (outside the window) and d: three pages, so two continue-as-new.
      expect(result.progress.continuedAsNew).toBe(2);
      expect(await handle.query(replayProgressQuery)).toEqual(result.progress);
      expect(result.load!.tables.map((t) => t.table)).toEqual(['purchase']);

      const replayed = await warehouseState(warehouseUrl);
      expect(replayed.columns).toContain('store');
      expect(replayed.purchases).toHaveLength(18);
      // The window's rows carry the field; hour 11 was not replayed and keeps NULL.
      const byStore = (s: unknown) => replayed.purchases.filter((r) => r.store === s).length;
      expect([byStore('store-ten-a'), byStore('store-ten-b'), byStore('store-late'), byStore(null)]).toEqual([
        6, 4, 3, 5,
      ]);
      // Everything else is what the first load wrote.
      expect(replayed.purchases.map(({ store: _s, ...rest }) => rest)).toEqual(loaded.purchases);
      expect(replayed.sessions).toEqual(loaded.sessions);
      expect(replayed.ledger.filter((l) => l.table === 'session_begin')).toEqual(
        loaded.ledger.filter((l) => l.table === 'session_begin'),
      );

      // The same replay again: its batches are done under these schemas, and the warehouse stays as it is.
      const again = (await temporal.client.workflow.execute(workflows.replay, {
        workflowId: `${after}-replay-again`,
        taskQueue: after,
        args: [{ ...input, pagesPerRun: 10 }],
      })) as ReplayResult;
      expect(again.progress).toMatchObject({
        objects: 3,
        batches: 3,
        batchesDone: 0,
        batchesAlreadyDone: 3,
        rowsStaged: {},
      });
      expect(await warehouseState(warehouseUrl)).toEqual(replayed);
    });
  });

  test('started by the stock temporal CLI with a JSON input; a bad window fails with a clear reason', async () => {
    const raw = openObjectStore(join(dir, 'cli', 'raw'));
    const lake = openObjectStore(join(dir, 'cli', 'lake'));
    const warehouseUrl = `duckdb:${join(dir, 'cli', 'warehouse.duckdb')}`;
    writeHour(raw.location, '2026/11/22/10/a.gz', 'cli', 4);
    const taskQueue = uniqueTaskQueue('replay-cli');
    const cli = (workflowId: string, input: unknown) =>
      execFileSync(
        temporalBinary(),
        [
          'workflow',
          'start',
          '--address',
          temporal.address,
          '--namespace',
          temporal.namespace,
          '--task-queue',
          taskQueue,
          '--type',
          'replay',
          '--workflow-id',
          workflowId,
          '--input',
          JSON.stringify(input),
        ],
        { encoding: 'utf8' },
      );
    await (
      await workerOn(shipped, lake, warehouseUrl, taskQueue)
    ).runUntil(async () => {
      cli(`${taskQueue}-ok`, {
        environment: 'test',
        source: raw.location,
        from: '2026-11-22T00:00:00Z',
        to: '2026-11-23T00:00:00Z',
      });
      const result = (await temporal.client.workflow.getHandle(`${taskQueue}-ok`).result()) as ReplayResult;
      expect(result.progress).toMatchObject({
        phase: 'done',
        objects: 1,
        batchesDone: 1,
        rowsStaged: { purchase: 4, session_begin: 4 },
      });
      const load = result.load as LoadResult;
      expect(load.tables.map((t) => [t.table, t.manifests.reduce((n, m) => n + m.mergedRows, 0)])).toEqual([
        ['purchase', 4],
        ['session_begin', 4],
      ]);

      cli(`${taskQueue}-bad`, {
        environment: 'test',
        source: raw.location,
        from: '2026-11-23T00:00:00Z',
        to: '2026-11-22T00:00:00Z',
      });
      await expect(temporal.client.workflow.getHandle(`${taskQueue}-bad`).result()).rejects.toMatchObject({
        cause: { cause: { message: expect.stringContaining('the replay window is empty') } },
      });
    });
  });

  test('a corrupt object is quarantined: the replay loads the rest and completes', async () => {
    const raw = openObjectStore(join(dir, 'corrupt', 'raw'));
    const lake = openObjectStore(join(dir, 'corrupt', 'lake'));
    const warehouseUrl = `duckdb:${join(dir, 'corrupt', 'warehouse.duckdb')}`;
    writeHour(raw.location, '2026/11/22/10/good.gz', 'good', 3);
    writeObject(
      raw.location,
      '2026/11/22/10/torn.gz',
      Buffer.concat([gzipSync('{"event":"purchase"}\n'.repeat(50)).subarray(0, 30), Buffer.from('junk')]),
    );
    const taskQueue = uniqueTaskQueue('replay-corrupt');
    await (
      await workerOn(shipped, lake, warehouseUrl, taskQueue)
    ).runUntil(async () => {
      const handle = await temporal.client.workflow.start(workflows.replay, {
        workflowId: `${taskQueue}-replay`,
        taskQueue,
        args: [
          {
            environment: taskQueue,
            source: raw.location,
            from: '2026-11-22T10:00:00Z',
            to: '2026-11-22T11:00:00Z',
            batchObjects: 1,
          } satisfies ReplayInput,
        ],
      });
      await handle.result();
      expect(await handle.query(replayProgressQuery)).toMatchObject({ batchesDone: 2, batchesFailed: 0 });
      expect((await warehouseState(warehouseUrl)).purchases).toHaveLength(3);
      const record = JSON.parse(
        new TextDecoder().decode(await lake.readBytes(quarantineKeyOf(raw.location, '2026/11/22/10/torn.gz'))),
      ) as QuarantineRecord;
      expect(record).toMatchObject({ key: '2026/11/22/10/torn.gz', kind: 'corrupt-compression' });
    });
  });
});
