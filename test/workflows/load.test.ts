/** load / loadTable on a real dev server and a real DuckDB file: exactly once, across loads and crashes. */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities, type LoadoutActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import type { LoadFailureDetails, LoadResult } from '../../workflows/load-types';
import { writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as workflows from '../../workflows';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

let temporal: TemporalTestContext;
let catalog: Catalog;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-load-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Pipeline {
  raw: ObjectStore;
  lake: ObjectStore;
  warehouseUrl: string;
  taskQueue: string;
  activities: LoadoutActivities;
  worker: Worker;
}

async function pipeline(name: string): Promise<Pipeline> {
  const raw = openObjectStore(join(dir, name, 'raw'));
  const lake = openObjectStore(join(dir, name, 'lake'));
  const warehouseUrl = `duckdb:${join(dir, name, 'warehouse.duckdb')}`;
  const taskQueue = uniqueTaskQueue(name);
  const activities = createActivities({
    personalKeys: TEST_PERSONAL_KEYS,
    catalog,
    lake,
    warehouseUrl,
    warehouseSchema: 'loadout',
  });
  const worker = await testWorker(temporal, taskQueue, activities);
  return { raw, lake, warehouseUrl, taskQueue, activities, worker };
}

async function ingestAndLoad(p: Pipeline, loadId: string): Promise<LoadResult> {
  const outcome = await ingestLocation({
    client: temporal.client,
    taskQueue: p.taskQueue,
    source: p.raw,
    limits: { maxObjects: 1, maxBytes: 1 << 30 },
    environment: 'test',
  });
  expect(outcome.failures).toEqual([]);
  return (await temporal.client.workflow.execute(workflows.load, {
    workflowId: `${p.taskQueue}-${loadId}`,
    taskQueue: p.taskQueue,
    args: [{ environment: p.taskQueue }],
  })) as LoadResult;
}

async function tableState(url: string) {
  const w = new DuckDbWarehouse(url.slice('duckdb:'.length));
  try {
    const counts = await w.query(
      `SELECT (SELECT count(*) FROM loadout.session_begin)::INTEGER AS begins, (SELECT count(DISTINCT id) FROM loadout.session_begin)::INTEGER AS begin_ids,
              (SELECT count(*) FROM loadout.purchase)::INTEGER AS purchases, (SELECT count(DISTINCT id) FROM loadout.purchase)::INTEGER AS purchase_ids`,
    );
    const ledger = await w.ledger('loadout');
    const digest = await w.query(
      `SELECT md5(string_agg(id || player_id || CAST("date" AS VARCHAR), ',' ORDER BY id)) AS d FROM loadout.session_begin`,
    );
    return { counts: counts[0]!, ledger, digest: digest[0]!.d };
  } finally {
    await w.close();
  }
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  return keys;
}

describe('load', () => {
  test('duplicates inside and across files, over several loads: one row per key; a repeated load changes nothing', async () => {
    const p = await pipeline('several');
    await p.worker.runUntil(async () => {
      writeSessionsObject(p.raw.location, '2026/11/22/10/a.gz', 30, 'alpha');
      writeSessionsObject(p.raw.location, '2026/11/22/10/b.gz', 20, 'beta');
      const first = await ingestAndLoad(p, 'first');
      expect(first.tables.map((t) => t.table)).toEqual(['personal_data', 'purchase', 'session_begin']);
      expect(first.views).toContain('kpi_daily_active_users');
      expect((await tableState(p.warehouseUrl)).counts).toEqual({
        begins: 50,
        begin_ids: 50,
        purchases: 50,
        purchase_ids: 50,
      });

      // A redelivered copy of a (same events, new object) plus new events, in a later load.
      writeSessionsObject(p.raw.location, '2026/11/22/11/a-again.gz', 30, 'alpha');
      writeSessionsObject(p.raw.location, '2026/11/22/11/c.gz', 5, 'gamma');
      await ingestAndLoad(p, 'second');
      const after = await tableState(p.warehouseUrl);
      expect(after.counts).toEqual({ begins: 55, begin_ids: 55, purchases: 55, purchase_ids: 55 });
      expect(new Set(after.ledger.map((l) => l.manifestKey)).size).toBe(after.ledger.length);

      const again = await ingestAndLoad(p, 'third');
      expect(again.tables).toEqual([]);
      expect(await tableState(p.warehouseUrl)).toEqual(after);
      expect(await keysUnder(p.lake, 'staged/')).toEqual([]);
      expect((await keysUnder(p.lake, 'loaded/')).length).toBe(8);
    });
  });

  test('a crash between merge and archive: the next load finds the manifest in the ledger and only archives', async () => {
    const p = await pipeline('between');
    await p.worker.runUntil(async () => {
      writeSessionsObject(p.raw.location, '2026/11/22/10/a.gz', 12, 'delta');
      await ingestLocation({
        client: temporal.client,
        taskQueue: p.taskQueue,
        source: p.raw,
        limits: { maxObjects: 8, maxBytes: 1 << 30 },
        environment: 'test',
      });
      // The first half of a load, as a worker that died right after the merge committed left it.
      // Run as activities are, in an activity context (heartbeats included), without a workflow.
      const activity = new MockActivityEnvironment();
      const inActivity = <T>(work: () => Promise<T>) => activity.run(work) as Promise<T>;
      const [manifest] = await inActivity(() => p.activities.planTableLoad({ table: 'purchase' }));
      await inActivity(() => p.activities.prepareTable({ table: 'purchase' }));
      expect(
        (await inActivity(() => p.activities.mergeManifest({ table: 'purchase', manifestKey: manifest!.manifestKey })))
          .applied,
      ).toBe(true);

      const result = (await temporal.client.workflow.execute(workflows.load, {
        workflowId: `${p.taskQueue}-resume`,
        taskQueue: p.taskQueue,
        args: [{ environment: p.taskQueue }],
      })) as LoadResult;
      const purchase = result.tables.find((t) => t.table === 'purchase')!;
      // Not applied by this load, but reported with the rows the committed merge recorded.
      expect(purchase.manifests).toEqual([
        expect.objectContaining({ manifestKey: manifest!.manifestKey, files: 1, applied: false, mergedRows: 12 }),
      ]);
      const state = await tableState(p.warehouseUrl);
      expect(state.counts).toEqual({ begins: 12, begin_ids: 12, purchases: 12, purchase_ids: 12 });
      expect(state.ledger.filter((l) => l.manifestKey === manifest!.manifestKey)).toHaveLength(1);
      expect(await keysUnder(p.lake, 'staged/')).toEqual([]);
    });
  });

  test('one table fails: every other table loads, and the failed load carries the summary of both', async () => {
    const p = await pipeline('one-fails');
    // purchase exists with sku as a number: declared text, a change the migration refuses.
    const w = new DuckDbWarehouse(p.warehouseUrl.slice('duckdb:'.length));
    try {
      await w.runDdl([
        'CREATE SCHEMA IF NOT EXISTS loadout',
        'CREATE TABLE loadout.purchase (id VARCHAR, "date" TIMESTAMPTZ, psess VARCHAR, player_id VARCHAR, sku BIGINT, amount DECIMAL(18,4), currency VARCHAR)',
      ]);
    } finally {
      await w.close();
    }
    await p.worker.runUntil(async () => {
      writeSessionsObject(p.raw.location, '2026/11/22/10/a.gz', 7, 'one-fails');
      const outcome = await ingestLocation({
        client: temporal.client,
        taskQueue: p.taskQueue,
        source: p.raw,
        limits: { maxObjects: 8, maxBytes: 1 << 30 },
        environment: 'test',
      });
      expect(outcome.failures).toEqual([]);
      const error = await temporal.client.workflow
        .execute(workflows.load, {
          workflowId: `${p.taskQueue}-load`,
          taskQueue: p.taskQueue,
          args: [{ environment: p.taskQueue }],
        })
        .then(
          () => {
            throw new Error('the load should have failed');
          },
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('LoadFailed');
      expect(failure.message).toMatch(/^load of 1 table\(s\) failed: purchase: schema migration refused for purchase/);
      const details = failure.details![0] as LoadFailureDetails;
      expect(details.failed).toEqual([
        { table: 'purchase', reason: expect.stringMatching(/^schema migration refused for purchase/) },
      ]);
      expect(details.tables.map((t) => [t.table, t.manifests.reduce((n, m) => n + m.mergedRows, 0)])).toEqual([
        // The personal-data store (one row per player, sealed) loads with the tables.
        ['personal_data', 7],
        ['session_begin', 7],
      ]);
      expect(details.views).toContain('kpi_daily_active_users');
      expect(await keysUnder(p.lake, 'staged/session_begin/')).toEqual([]);
      expect(await keysUnder(p.lake, 'staged/purchase/')).toHaveLength(1);
    });
  });
});
