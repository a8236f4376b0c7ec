/** A worker SIGKILLed in the middle of a load, then a new one: no double rows, no lost rows, each manifest once. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import type { LoadResult } from '../../workflows/load-types';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import { killWorkerProcess, startWorkerProcess } from '../helpers/worker-child';
import * as workflows from '../../workflows';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

let temporal: TemporalTestContext;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-load-crash-'));
});

afterAll(async () => {
  if (child) await killWorkerProcess(child);
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL mid-load and a restarted worker: one row per distinct event, every manifest in the ledger once', async () => {
  const catalog = await loadCatalog();
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const warehousePath = join(dir, 'warehouse.duckdb');
  const generated = await generateTelemetry({ outDir: raw.location, events: 30_000, files: 12, seed: 7 });
  const taskQueue = uniqueTaskQueue('load-crash');

  // Stage in-process: one batch per file, so every table gets several staged files.
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

  child = await startWorkerProcess(temporal, taskQueue, lake.location, `duckdb:${warehousePath}`);
  const environment = taskQueue;
  const handle = await temporal.client.workflow.start(workflows.load, {
    workflowId: `${taskQueue}-load`,
    taskQueue,
    args: [{ environment, maxParallel: 2, lostWorkerTimeout: '3s' }],
  });
  // Kill once some tables are loaded and others are not: the middle of the load.
  const deadline = Date.now() + 90_000;
  for (;;) {
    let loaded = 0;
    for await (const _ of temporal.client.workflow.list({
      query: `WorkflowType = 'loadTableGroup' AND LoadoutEnvironment = '${environment}' AND ExecutionStatus = 'Completed'`,
    }))
      loaded++;
    if (loaded >= 2) break;
    if (Date.now() > deadline) throw new Error('no loadTableGroup completed in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  await killWorkerProcess(child);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  child = await startWorkerProcess(temporal, taskQueue, lake.location, `duckdb:${warehousePath}`);
  const result = (await handle.result()) as LoadResult;
  await killWorkerProcess(child);
  child = undefined;

  const warehouse = new DuckDbWarehouse(warehousePath);
  try {
    for (const [table, distinct] of Object.entries(generated.expected.distinctValid)) {
      const key = catalog
        .table(table)!
        .uniqueKey.map((k) => `"${k}"`)
        .join(', ');
      const [row] = await warehouse.query(
        `SELECT count(*) AS n, count(DISTINCT (${key})) AS keys FROM loadout."${table}"`,
      );
      expect({ table, n: Number(row!.n), keys: Number(row!.keys) }).toEqual({ table, n: distinct, keys: distinct });
      // One manifest per table here: the load reports its rows, also when the attempt that
      // committed them was killed before it could answer.
      const merged = result.tables.find((t) => t.table === table)?.manifests.reduce((sum, m) => sum + m.mergedRows, 0);
      expect({ table, merged }).toEqual({ table, merged: distinct });
    }
    // The personal-data store's manifests are in its own schema's ledger.
    const ledger = [...(await warehouse.ledger('loadout')), ...(await warehouse.ledger('loadout_pii'))];
    expect(new Set(ledger.map((l) => l.manifestKey)).size).toBe(ledger.length);
    const manifests = result.tables.flatMap((t) => t.manifests.map((m) => m.manifestKey));
    for (const m of manifests) expect(ledger.map((l) => l.manifestKey)).toContain(m);
  } finally {
    await warehouse.close();
  }
  const left: string[] = [];
  for await (const o of lake.list('staged/')) left.push(o.key);
  expect(left).toEqual([]);
});
