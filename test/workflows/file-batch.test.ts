/** fileBatch on a real Temporal dev server: happy path, repeated starts, redelivery, corrupt input. */
import { Worker } from '@temporalio/worker';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation, runFileBatch } from '../../cli/ingest';
import { batchIdOf, fileBatchWorkflowId } from '../../core/batch-id';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { LOADOUT_STAGE } from '../../workflows/search-attributes';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let catalog: Catalog;
let dir: string;
let raw: ObjectStore;
let lake: ObjectStore;
let taskQueue: string;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  temporal = await connectTemporal();
  catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-filebatch-'));
  raw = openObjectStore(join(dir, 'raw'));
  lake = openObjectStore(join(dir, 'lake'));
  taskQueue = uniqueTaskQueue('filebatch');
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: { codePath: temporal.workflowBundlePath },
    activities: createActivities({ catalog, lake }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function headsOf(prefix: string) {
  const out: Record<string, string> = {};
  for await (const o of lake.list(prefix)) out[o.key] = o.etag;
  return out;
}

describe('fileBatch', () => {
  test('stages one Parquet file per table with the distinct valid events, named from its inputs', async () => {
    const a = writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 40);
    const b = writeSessionsObject(raw.location, '2026/11/22/10/b.gz', 25);
    const objects = [];
    for (const key of [a.key, b.key]) objects.push({ key, size: (await raw.head(key))!.size, etag: (await raw.head(key))!.etag });
    const batchId = batchIdOf(raw.location, objects);
    const result = await runFileBatch(temporal.client, fileBatchWorkflowId(batchId), taskQueue, { source: raw.location, objects });

    expect(result.batchId).toBe(batchId);
    expect(result.records).toBe(a.records + b.records);
    expect(result.duplicates).toBe(65);
    expect(result.rejected).toBe(0);
    const byTable = Object.fromEntries(result.staged.map((s) => [s.table, s]));
    expect(Object.keys(byTable).sort()).toEqual(['purchase', 'session_begin']);
    expect(byTable.purchase!.rows).toBe(65);
    expect(byTable.purchase!.key).toBe(`staged/purchase/${catalog.table('purchase')!.fingerprint}-${batchId}.parquet`);

    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = await db.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids, min(date)::VARCHAR AS first FROM read_parquet('${lake.urlOf(byTable.purchase!.key)}')`,
    );
    expect(rows.getRowObjects()[0]).toEqual({ n: 65, ids: 65, first: '2026-11-22 09:05:00.25+00' });
    db.closeSync();
  });

  test('a repeated start of a completed batch returns its result without processing again', async () => {
    const c = writeSessionsObject(raw.location, '2026/11/22/11/c.gz', 10);
    const head = (await raw.head(c.key))!;
    const objects = [{ key: c.key, size: head.size, etag: head.etag }];
    const workflowId = fileBatchWorkflowId(batchIdOf(raw.location, objects));
    const first = await runFileBatch(temporal.client, workflowId, taskQueue, { source: raw.location, objects });
    const staged = await headsOf('staged/');
    const second = await runFileBatch(temporal.client, workflowId, taskQueue, { source: raw.location, objects });
    expect(second).toEqual(first);
    expect(await headsOf('staged/')).toEqual(staged);
    const runs = [];
    for await (const w of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(w.runId);
    expect(runs).toHaveLength(1);
  });

  test('an object redelivered in another batch is skipped, not processed twice', async () => {
    const d = writeSessionsObject(raw.location, '2026/11/22/12/d.gz', 12);
    const e = writeSessionsObject(raw.location, '2026/11/22/12/e.gz', 7);
    const ref = async (key: string) => {
      const h = (await raw.head(key))!;
      return { key, size: h.size, etag: h.etag };
    };
    const first = [await ref(d.key)];
    await runFileBatch(temporal.client, fileBatchWorkflowId(batchIdOf(raw.location, first)), taskQueue, { source: raw.location, objects: first });
    // SQS redelivery after a lost delete, grouped with a new object: a different batch id.
    const regrouped = [await ref(d.key), await ref(e.key)];
    const result = await runFileBatch(temporal.client, fileBatchWorkflowId(batchIdOf(raw.location, regrouped)), taskQueue, {
      source: raw.location, objects: regrouped,
    });
    expect(result.skippedObjects).toEqual([d.key]);
    expect(result.objects).toBe(1);
    expect(result.staged.find((s) => s.table === 'session_begin')!.rows).toBe(7);
  });

  test('a corrupt object fails its batch, non-retryably and findable, while the other batches succeed', async () => {
    const sub = openObjectStore(join(dir, 'raw-corrupt'));
    writeSessionsObject(sub.location, 'x/good-1.gz', 5);
    writeObject(sub.location, 'x/broken.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not really gzip at all')]));
    writeSessionsObject(sub.location, 'x/good-2.gz', 6);
    const outcome = await ingestLocation({
      client: temporal.client, taskQueue, source: sub, limits: { maxObjects: 1, maxBytes: 1 << 30 }, environment: 'test',
    });
    expect(outcome.batches).toHaveLength(2);
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]!.message).toContain('x/broken.gz');
    expect(outcome.failures[0]!.message).toMatch(/corrupt gzip/);

    const failedId = outcome.failures[0]!.workflowId;
    const description = await temporal.client.workflow.getHandle(failedId).describe();
    expect(description.status.name).toBe('FAILED');
    expect(description.typedSearchAttributes.get(LOADOUT_STAGE)).toBe('failed');
    // The activity ran once: the corrupt object is not retried.
    const history = await temporal.client.workflow.getHandle(failedId).fetchHistory();
    const attempts = history.events!.filter((ev) => ev.activityTaskStartedEventAttributes).map((ev) => ev.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
  });
});
