/** loadout status and schema list against a real dev server, lake and DuckDB warehouse. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { describeCatalog } from '../../cli/commands/schema';
import { ingestLocation } from '../../cli/ingest';
import { collectStatus } from '../../cli/status';
import { loadConfig } from '../../config/load-config';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let catalog: Catalog;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-status-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('schema list shows every event type with its key, columns and fingerprint', () => {
  const described = describeCatalog(catalog);
  expect(described.map((d) => d.table)).toEqual(catalog.tables);
  expect(described.find((d) => d.table === 'damage_taken')).toMatchObject({ uniqueKey: ['gsess', 'hit_id'], fingerprint: catalog.table('damage_taken')!.fingerprint });
});

test('status: failed batches with their objects, last load per table, staged files waiting, rejected and unknown', async () => {
  const taskQueue = uniqueTaskQueue('status');
  const environment = taskQueue;
  const config = loadConfig({ env: 'local', home: dir, lake: join(dir, 'lake'), warehouse: `duckdb:${join(dir, 'w.duckdb')}` }, {}, dir);
  const statusConfig = { ...config, env: environment };
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(config.lake);
  writeSessionsObject(raw.location, 'a/good.gz', 8);
  writeObject(raw.location, 'a/junk.json', '{"event":"purchase","id":"nope"}\n{"event":"emote_used"}\n');
  writeObject(raw.location, 'b/broken.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
  const worker = await testWorker(temporal, taskQueue, createActivities({ catalog, lake, warehouseUrl: config.warehouse, warehouseSchema: 'loadout' }));
  await worker.runUntil(async () => {
    await ingestLocation({ client: temporal.client, taskQueue, source: raw, prefix: 'a/', limits: { maxObjects: 8, maxBytes: 1 << 30 }, environment });
    await temporal.client.workflow.execute('load', { workflowId: `${taskQueue}-load`, taskQueue, args: [{ environment, tables: ['session_begin'] }] });
    await ingestLocation({ client: temporal.client, taskQueue, source: raw, prefix: 'b/', limits: { maxObjects: 8, maxBytes: 1 << 30 }, environment });
  });
  const warehouse = new DuckDbWarehouse(join(dir, 'w.duckdb'));
  try {
    // Visibility trails the workflows by a moment.
    let status = await collectStatus(statusConfig, catalog, temporal.client, lake, warehouse);
    for (let i = 0; i < 50 && status.batches.failed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = await collectStatus(statusConfig, catalog, temporal.client, lake, warehouse);
    }
    expect(status.batches.running).toBe(0);
    expect(status.batches.failed.map((f) => f.objects)).toEqual([['b/broken.gz']]);
    const begin = status.tables.find((t) => t.table === 'session_begin')!;
    expect(begin.stagedFiles).toBe(0);
    expect(begin.lastLoadAgeSeconds).toBeLessThan(120);
    expect(begin.migration).toEqual({ pending: [], refused: [] });
    const purchase = status.tables.find((t) => t.table === 'purchase')!;
    expect(purchase).toMatchObject({ stagedFiles: 1, stagedFingerprints: [catalog.table('purchase')!.fingerprint] });
    expect(purchase.lastLoadedAt).toBeUndefined();
    // Never loaded: its table is still to be created, which blocks nothing.
    expect(purchase.migration).toEqual({ pending: ['create loadout.purchase with 7 columns'], refused: [] });
    expect(status.rejected).toBe(1);
    expect(status.unknown).toEqual({ emote_used: 1 });
  } finally {
    await warehouse.close();
  }
});
