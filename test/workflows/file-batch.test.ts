/** fileBatch on a real Temporal dev server: happy path, repeated starts, redelivery, unreadable objects quarantined. */
import { Worker } from '@temporalio/worker';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { gzipSync } from 'node:zlib';
import { listRawObjects, runFileBatch } from '../../cli/ingest';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { batchIdOf } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { LOADOUT_QUARANTINED, LOADOUT_STAGE } from '../../workflows/search-attributes';
import { uuidFrom, writeObject, writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

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
    activities: createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake }),
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
    for (const key of [a.key, b.key])
      objects.push({ key, size: (await raw.head(key))!.size, etag: (await raw.head(key))!.etag });
    const batchId = batchIdOf(raw.location, objects);
    const result = await runFileBatch(temporal.client, fileBatchWorkflowId(batchId), taskQueue, {
      source: raw.location,
      objects,
    });

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
    await runFileBatch(temporal.client, fileBatchWorkflowId(batchIdOf(raw.location, first)), taskQueue, {
      source: raw.location,
      objects: first,
    });
    // SQS redelivery after a lost delete, grouped with a new object: a different batch id.
    const regrouped = [await ref(d.key), await ref(e.key)];
    const result = await runFileBatch(
      temporal.client,
      fileBatchWorkflowId(batchIdOf(raw.location, regrouped)),
      taskQueue,
      {
        source: raw.location,
        objects: regrouped,
      },
    );
    expect(result.skippedObjects).toEqual([d.key]);
    expect(result.objects).toBe(1);
    expect(result.staged.find((s) => s.table === 'session_begin')!.rows).toBe(7);
  });

  test('unreadable objects are quarantined on the first attempt and the rest of their batch is staged', async () => {
    const sub = openObjectStore(join(dir, 'raw-mixed'));
    const good = [
      writeSessionsObject(sub.location, 'x/good-1.gz', 5),
      writeSessionsObject(sub.location, 'x/good-2.gz', 6),
      writeSessionsObject(sub.location, 'x/good-3.gz', 7),
    ];
    const cut = gzipSync(
      `${JSON.stringify({ event: 'session_end', id: uuidFrom('cut'), date: '2026-11-22T10:00:00Z', psess: uuidFrom('p'), duration_s: 1, reason: 'quit' })}\n`.repeat(
        4000,
      ),
    );
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const bad: [key: string, body: Buffer | string, kind: string, reason: RegExp][] = [
      [
        'x/broken.gz',
        Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not really gzip at all')]),
        'corrupt-compression',
        /x\/broken\.gz: corrupt gzip/,
      ],
      // Cut after thousands of lines were read: the batch is processed again without it.
      [
        'x/cut.gz',
        cut.subarray(0, cut.length - 20),
        'corrupt-compression',
        /x\/cut\.gz: corrupt gzip: unexpected end of file/,
      ],
      ['x/packed.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5, 6, 7]), 'unsupported-compression', /zstd/],
      ['x/utf16.json', Buffer.from('{"event":"session_end"}\n'.repeat(30), 'utf16le'), 'not-text', /not UTF-8 text/],
    ];
    for (const [key, body] of bad) writeObject(sub.location, key, body);
    writeObject(sub.location, 'x/deep.json', `${deep}\n`);
    const listed = await listRawObjects(sub);
    const vanished = { key: 'x/vanished.gz', size: 10, etag: 'gone' };
    const objects = [...listed, vanished];
    const workflowId = `${taskQueue}-mixed`;
    const result = await runFileBatch(temporal.client, workflowId, taskQueue, {
      source: sub.location,
      objects,
      environment: 'test',
    });

    expect(result.quarantined.map((q) => [q.key, q.kind]).sort()).toEqual(
      [...bad.map(([key, , kind]) => [key, kind]), ['x/vanished.gz', 'missing']].sort(),
    );
    for (const [key, , , reason] of bad) expect(result.quarantined.find((q) => q.key === key)!.reason).toMatch(reason);
    // Every good record staged, nothing of the bad objects.
    const rows = (table: string) => result.staged.find((s) => s.table === table)!.rows;
    expect(rows('session_begin')).toBe(good.reduce((a, g) => a + g.distinct.session_begin!, 0));
    expect(rows('purchase')).toBe(good.reduce((a, g) => a + g.distinct.purchase!, 0));
    expect(result.staged.map((s) => s.table).sort()).toEqual(['purchase', 'session_begin']);
    expect(result.rejected).toBe(1); // the 100,000-level line
    expect(result.objects).toBe(good.length + 1);

    // Decided on the first attempt; visible in the UI; recorded in the lake with what an operator needs.
    const handle = temporal.client.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory();
    const attempts = history
      .events!.filter((ev) => ev.activityTaskStartedEventAttributes)
      .map((ev) => ev.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(LOADOUT_STAGE)).toBe('staged');
    expect(description.typedSearchAttributes.get(LOADOUT_QUARANTINED)).toBe(bad.length + 1);
    const record = JSON.parse(
      new TextDecoder().decode(await lake.readBytes(quarantineKeyOf(sub.location, 'x/cut.gz'))),
    ) as QuarantineRecord;
    const cutInfo = listed.find((o) => o.key === 'x/cut.gz')!;
    expect(record).toMatchObject({
      source: sub.location,
      key: 'x/cut.gz',
      etag: cutInfo.etag,
      size: cutInfo.size,
      kind: 'corrupt-compression',
      batchId: result.batchId,
      workflowId,
    });

    // The object replaced with a readable one: a batch reads it and its quarantine is over.
    writeSessionsObject(sub.location, 'x/cut.gz', 2);
    const fixed = (await listRawObjects(sub)).filter((o) => o.key === 'x/cut.gz');
    const again = await runFileBatch(temporal.client, `${taskQueue}-fixed`, taskQueue, {
      source: sub.location,
      objects: fixed,
      environment: 'test',
    });
    expect(again.quarantined).toEqual([]);
    expect(await lake.head(quarantineKeyOf(sub.location, 'x/cut.gz'))).toBeUndefined();
    expect(await lake.head(quarantineKeyOf(sub.location, 'x/broken.gz'))).toBeDefined();
  });
});
