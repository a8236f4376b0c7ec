/** loadout status and schema list against a real dev server, lake and DuckDB warehouse. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { describeCatalog } from '../../cli/actions/schema';
import { ingestLocation, listRawObjects } from '../../cli/ingest';
import { collectStatus, type PipelineStatus } from '../../cli/status';
import { replayCatalogVersion } from '../../activities/replay-catalog';
import { objectMarkerKey } from '../../core/batch-id';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import { uniqueTaskQueue } from '../helpers/temporal';
import * as workflows from '../../workflows';
import { catalog, dir, statusHome, statusWorker, temporal, useStatusTestContext } from '../helpers/status-test-context';

useStatusTestContext();

test('schema list shows every event type with its key, columns and fingerprint', () => {
  const described = describeCatalog(catalog);
  expect(described.map((d) => d.table)).toEqual(catalog.tables);
  expect(described.find((d) => d.table === 'damage_taken')).toMatchObject({
    uniqueKey: ['gsess', 'hit_id'],
    fingerprint: catalog.table('damage_taken')!.fingerprint,
  });
});

test('status: failed batches with their objects, last load per table, staged files waiting, rejected and unknown', async () => {
  const taskQueue = uniqueTaskQueue('status');
  const environment = taskQueue;
  const config = loadConfig(
    { env: 'local', home: dir, lake: join(dir, 'lake'), warehouse: `duckdb:${join(dir, 'w.duckdb')}` },
    {},
    dir,
  );
  const statusConfig = { ...config, env: environment };
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(config.lake);
  writeSessionsObject(raw.location, 'a/good.gz', 8);
  writeObject(raw.location, 'a/junk.json', '{"event":"purchase","id":"nope"}\n{"event":"emote_used"}\n');
  writeObject(raw.location, 'b/broken.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
  const worker = await statusWorker(taskQueue, lake, config.warehouse);
  await worker.runUntil(async () => {
    await ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      prefix: 'a/',
      limits: { maxObjects: 8, maxBytes: 1 << 30 },
      environment,
    });
    await temporal.client.workflow.execute(workflows.load, {
      workflowId: `${taskQueue}-load`,
      taskQueue,
      args: [{ environment, tables: ['session_begin'] }],
    });
    await ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      prefix: 'b/',
      limits: { maxObjects: 8, maxBytes: 1 << 30 },
      environment,
    });
  });
  const warehouse = new DuckDbWarehouse(join(dir, 'w.duckdb'));
  try {
    // Visibility trails the workflows by a moment.
    let status = await collectStatus(statusConfig, catalog, temporal.client, lake, warehouse);
    for (let i = 0; i < 50 && status.outstanding === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = await collectStatus(statusConfig, catalog, temporal.client, lake, warehouse);
    }
    expect(status.batches.running).toBe(0);
    // The corrupt gzip: a failed batch, or a quarantined object once processing quarantines it.
    expect(status.outstanding).toBe(1);
    expect([...status.batches.failed.flatMap((f) => f.objects), ...status.quarantined.map((q) => q.key)]).toEqual([
      'b/broken.gz',
    ]);
    const begin = status.tables.find((t) => t.table === 'session_begin')!;
    expect(begin.stagedFiles).toBe(0);
    expect(begin.lastLoadAgeSeconds).toBeLessThan(120);
    expect(begin.migration).toEqual({ pending: [], refused: [] });
    const purchase = status.tables.find((t) => t.table === 'purchase')!;
    expect(purchase).toMatchObject({ stagedFiles: 1, stagedFingerprints: [catalog.table('purchase')!.fingerprint] });
    expect(purchase.lastLoadedAt).toBeUndefined();
    // Never loaded: its table is still to be created, which blocks nothing.
    expect(purchase.migration).toEqual({ pending: ['create loadout.purchase with 9 columns'], refused: [] });
    expect(status.rejected).toBe(1);
    expect(status.unknown).toEqual({ emote_used: 1 });
  } finally {
    await warehouse.close();
  }
});

/** Polls status until `ready` holds: visibility trails the workflows by a moment. */
async function statusWhen(
  config: Parameters<typeof collectStatus>[0],
  lake: ObjectStore,
  ui: string | undefined,
  ready: (s: PipelineStatus) => boolean,
) {
  const warehouse = new DuckDbWarehouse(join(dir, `w-${randomUUID()}.duckdb`));
  try {
    let status = await collectStatus(config, catalog, temporal.client, lake, warehouse, ui);
    for (let i = 0; i < 50 && !ready(status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = await collectStatus(config, catalog, temporal.client, lake, warehouse, ui);
    }
    return status;
  } finally {
    await warehouse.close();
  }
}

test('status: a failed batch with its reason, objects and Temporal UI address, until every object is processed again', async () => {
  const taskQueue = uniqueTaskQueue('status-fixed');
  const environment = taskQueue;
  const { config, raw, lake } = statusHome(taskQueue, environment);
  const ui = 'http://temporal-ui.test:8080';
  const ingest = (prefix: string) =>
    ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      prefix,
      limits: { maxObjects: 8, maxBytes: 1 << 30 },
      environment,
    });
  const worker = await statusWorker(taskQueue, lake, config.warehouse);
  await worker.runUntil(async () => {
    // x was processed once; then a producer rewrote it, so its marker is of an older version.
    writeSessionsObject(raw.location, 'c/x.gz', 3, 'x1');
    expect((await ingest('c/x')).failures).toEqual([]);
    writeSessionsObject(raw.location, 'c/x.gz', 4, 'x2');
    writeSessionsObject(raw.location, 'c/y.gz', 2, 'y1');
    // A batch that fails for a fault no retry fixes: a worker whose schemas differ from its replay's.
    const objects = await listRawObjects(raw, 'c/');
    const workflowId = `${taskQueue}-batch`;
    await expect(
      temporal.client.workflow.execute(workflows.fileBatch, {
        workflowId,
        taskQueue,
        args: [{ source: raw.location, objects, environment, replay: { catalogVersion: 'stale' } }],
      }),
    ).rejects.toThrow();
    const runId = (await temporal.client.workflow.getHandle(workflowId).describe()).runId;

    const failed = await statusWhen(config, lake, ui, (s) => s.batches.failed.length > 0);
    expect(failed.outstanding).toBe(1);
    expect(failed.batches.failed).toEqual([
      {
        workflowId,
        runId,
        source: raw.location,
        objects: ['c/x.gz', 'c/y.gz'],
        closedAt: expect.any(String),
        reason: expect.stringMatching(/^this worker's schemas \(version \w+\) differ from the replay's \(stale\)/),
        temporalUi: `${ui}/namespaces/${temporal.namespace}/workflows/${workflowId}/${runId}/history`,
      },
    ]);

    // y replaced and processed by a later batch; x's only marker is still the older version's.
    writeSessionsObject(raw.location, 'c/y.gz', 5, 'y2');
    expect((await ingest('c/y')).failures).toEqual([]);
    expect((await statusWhen(config, lake, ui, () => true)).batches.failed.map((f) => f.workflowId)).toEqual([
      workflowId,
    ]);

    // x processed again too: fixed, no longer counted; its history stays in Temporal.
    expect((await ingest('c/x')).failures).toEqual([]);
    const fixed = await statusWhen(config, lake, ui, (s) => s.outstanding === 0);
    expect(fixed.outstanding).toBe(0);
    expect(fixed.batches.failed).toEqual([]);
    expect((await temporal.client.workflow.getHandle(workflowId, runId).describe()).status.name).toBe('FAILED');
  });
});

test('status: a failed batch run again under its id until it completed no longer counts', async () => {
  const taskQueue = uniqueTaskQueue('status-rerun');
  const environment = taskQueue;
  const { config, raw, lake } = statusHome(taskQueue, environment);
  writeSessionsObject(raw.location, 'r/a.gz', 2, 'rerun');
  const objects = await listRawObjects(raw, 'r/');
  const workflowId = `${taskQueue}-replay-batch`;
  const worker = await statusWorker(taskQueue, lake, config.warehouse);
  await worker.runUntil(async () => {
    const start = (catalogVersion: string) =>
      temporal.client.workflow.execute(workflows.fileBatch, {
        workflowId,
        taskQueue,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        args: [{ source: raw.location, objects, environment, replay: { catalogVersion } }],
      });
    await expect(start('stale')).rejects.toThrow();
    expect(
      (await statusWhen(config, lake, undefined, (s) => s.outstanding > 0)).batches.failed.map((f) => f.workflowId),
    ).toEqual([workflowId]);
    // Replay batches write no processed-markers: only the completed rerun can clear it.
    await start(replayCatalogVersion(catalog, undefined));
    expect(await lake.head(objectMarkerKey(raw.location, 'r/a.gz'))).toBeUndefined();
    const after = await statusWhen(config, lake, undefined, (s) => s.outstanding === 0);
    expect(after.batches.failed).toEqual([]);
  });
});

test('status: a quarantined object with its reason and workflow until the processing activity removes its record', async () => {
  const home = join(dir, `quarantine-${randomUUID().slice(0, 8)}`);
  const config = {
    ...loadConfig(
      { env: 'local', home, lake: join(home, 'lake'), warehouse: `duckdb:${join(home, 'w.duckdb')}` },
      {},
      dir,
    ),
    env: uniqueTaskQueue('status-q'),
  };
  const lake = openObjectStore(config.lake);
  const record: QuarantineRecord = {
    source: join(home, 'raw'),
    key: 'd/broken.gz',
    etag: 'e1',
    size: 7,
    kind: 'corrupt-compression',
    reason: 'd/broken.gz: unreadable object: corrupt gzip: unexpected end of file',
    batchId: 'b'.repeat(32),
    workflowId: 'loadout-filebatch-x-b',
    at: '2026-12-01T10:00:00.000Z',
  };
  await lake.write(quarantineKeyOf(record.source, record.key), JSON.stringify(record));
  const before = await statusWhen(config, lake, undefined, () => true);
  expect(before.outstanding).toBe(1);
  expect(before.quarantined).toEqual([{ ...record, record: quarantineKeyOf(record.source, record.key) }]);
  await lake.delete(quarantineKeyOf(record.source, record.key));
  const after = await statusWhen(config, lake, undefined, () => true);
  expect(after.outstanding).toBe(0);
  expect(after.quarantined).toEqual([]);
});
