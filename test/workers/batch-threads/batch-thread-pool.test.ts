/**
 * Batch threads under a real worker: two batches in one process run at once on two threads, and a
 * thread that dies fails its attempt retryably, the next attempt staging the batch. A catalog of one
 * probe event type lets a record act inside the thread that validates it (meet the other batch's
 * thread, or end its own thread), since the probe's toRow runs for every record of its type.
 */
import { Worker } from '@temporalio/worker';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities } from '../../../activities';
import { runFileBatch } from '../../../cli/ingest';
import { batchIdOf, type RawObjectRef } from '../../../core/batch-id';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import { replayCatalogVersion } from '../../../activities/replay-catalog';
import { openObjectStore } from '../../../stores/object/open-object-store';
import type { ObjectStore } from '../../../stores/object/object-store';
import { BatchThreadPool, batchThreadPool } from '../../../workers/batch-threads/batch-thread-pool';
import { fileBatchWorkflowId } from '../../../workflows/workflow-ids';
import { TEST_PERSONAL_KEYS } from '../../helpers/personal-keys';
import { uuidFrom, writeObject } from '../../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../../helpers/temporal';

const PROBE_EVENT = `
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
// By path rather than 'loadout/schemas': vitest, which imports the catalog here too, resolves no catalog hooks.
import { isMainThread, threadId } from 'node:worker_threads';
import { defineEvent, jsonText, uuid, z } from '${new URL('../../../schemas/index.ts', import.meta.url).href}';

// A JSON text field keeps the type off the byte-level fast lane: every record goes through toRow.
const type = defineEvent({
  tag: 'probe',
  uniqueKey: ['id'],
  fields: { id: uuid(), act: jsonText(z.object({ action: z.string(), dir: z.string() })) },
});

function act({ action, dir }) {
  if (isMainThread) throw new Error('a probe record was processed on the main thread');
  if (action === 'crash-once' && !existsSync(dir + '/crashed')) {
    writeFileSync(dir + '/crashed', String(threadId));
    process.exit(70); // on a worker thread: ends the thread, not the process
  }
  if (action === 'meet') {
    // Waits (up to 30 s) until another thread has arrived too: only batches running at once meet.
    writeFileSync(dir + '/arrived-' + threadId, '');
    const until = Date.now() + 30_000;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (readdirSync(dir).filter((f) => f.startsWith('arrived-')).length < 2 && Date.now() < until)
      Atomics.wait(nap, 0, 0, 20);
  }
}

export default {
  ...type,
  toRow(record) {
    if (typeof record.act === 'object' && record.act !== null) act(record.act);
    return type.toRow(record);
  },
};
`;

let temporal: TemporalTestContext;
let dir: string;
let catalogDir: string;
let catalog: Catalog;
let raw: ObjectStore;
let taskQueue: string;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-batch-threads-'));
  catalogDir = join(dir, 'catalog');
  mkdirSync(catalogDir);
  writeFileSync(join(catalogDir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(catalogDir, 'probe.ts'), PROBE_EVENT);
  catalog = await loadCatalog(catalogDir);
  raw = openObjectStore(join(dir, 'raw'));
  taskQueue = uniqueTaskQueue('batch-threads');
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: { codePath: temporal.workflowBundlePath },
    activities: createActivities({
      personalKeys: TEST_PERSONAL_KEYS,
      catalog,
      lake: openObjectStore(join(dir, 'lake')),
      batchThreads: 2,
    }),
    maxConcurrentActivityTaskExecutions: 2,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One raw object of one probe record acting `action` in `actDir`. */
async function probeObject(key: string, action: string, actDir: string): Promise<RawObjectRef> {
  mkdirSync(actDir, { recursive: true });
  writeObject(
    raw.location,
    key,
    `${JSON.stringify({ event: 'probe', id: uuidFrom(key), act: { action, dir: actDir } })}\n`,
  );
  const head = (await raw.head(key))!;
  return { key, size: head.size, etag: head.etag };
}

function runBatch(objects: RawObjectRef[]) {
  const batchId = batchIdOf(raw.location, objects);
  return runFileBatch(temporal.client, fileBatchWorkflowId(batchId), taskQueue, { source: raw.location, objects });
}

describe('batch threads', () => {
  test('two batches in one worker process run at the same time, each on a thread of its own', async () => {
    const meet = join(dir, 'meet');
    const a = await probeObject('2026/12/04/10/a.jsonl', 'meet', meet);
    const b = await probeObject('2026/12/04/10/b.jsonl', 'meet', meet);
    const [ra, rb] = await Promise.all([runBatch([a]), runBatch([b])]);
    expect([ra.valid, rb.valid]).toEqual([1, 1]);
    const spans = batchThreadPool(2)
      .spans()
      .filter((s) => s.batchId === ra.batchId || s.batchId === rb.batchId);
    expect(spans).toHaveLength(2);
    const [x, y] = spans as [(typeof spans)[0], (typeof spans)[0]];
    expect(x.threadId).not.toBe(y.threadId);
    // Overlapping windows: each started before the other ended.
    expect(x.startedAt < y.endedAt && y.startedAt < x.endedAt).toBe(true);
  });

  test('a thread that dies fails the attempt retryably, and the next attempt stages the batch', async () => {
    const crash = join(dir, 'crash');
    const object = await probeObject('2026/12/04/11/c.jsonl', 'crash-once', crash);
    const result = await runBatch([object]);
    expect(existsSync(join(crash, 'crashed'))).toBe(true);
    expect(result.valid).toBe(1);
    expect(result.staged.map((s) => [s.table, s.rows])).toEqual([['probe', 1]]);
    const history = await temporal.client.workflow.getHandle(fileBatchWorkflowId(result.batchId)).fetchHistory();
    const started = history.events!.flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : [],
    );
    expect(started.map((s) => s.attempt)).toEqual([2]);
    expect(started[0]!.lastFailure?.message).toMatch(/^the thread processing batch \S+ stopped \(exit code 70\)/);
  });

  test('cancelling a running batch terminates its thread, and the next batch gets a new one', async () => {
    const pool = new BatchThreadPool(1);
    try {
      const hold = join(dir, 'hold');
      const object = await probeObject('2026/12/04/12/h.jsonl', 'meet', hold);
      const job = (batchId: string, objects: RawObjectRef[]) => ({
        batchId,
        source: raw.location,
        todo: objects,
        personal: TEST_PERSONAL_KEYS,
        erased: new Set<string>(),
        workDir: mkdtempSync(join(dir, 'work-')),
        catalog: { dir: catalogDir, evolution: 'strict' as const },
        catalogVersion: replayCatalogVersion(catalog, undefined),
        storeScope: 'cancel-test',
      });
      const cancel = new AbortController();
      // Alone, the probe waits in its thread for a second arrival that never comes: the batch is mid-record.
      const held = pool.run(job('held', [object]), { signal: cancel.signal, progress: () => {} });
      while (!readdirSync(hold).some((f) => f.startsWith('arrived-'))) await new Promise((r) => setTimeout(r, 20));
      cancel.abort(new Error('cancelled by the test'));
      await expect(held).rejects.toThrow('cancelled by the test');
      const next = await probeObject('2026/12/04/12/n.jsonl', 'none', join(dir, 'next'));
      const done = await pool.run(job('next', [next]), { signal: new AbortController().signal, progress: () => {} });
      expect(done.output.stats.valid).toBe(1);
      const [cancelled, after] = pool.spans();
      expect([cancelled!.batchId, after!.batchId]).toEqual(['held', 'next']);
      expect(after!.threadId).not.toBe(cancelled!.threadId);
    } finally {
      await pool.close();
    }
  });
});
