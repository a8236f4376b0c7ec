/** discoverByListing on a real Temporal dev server over a local directory raw zone. */
import { Worker } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import type { ListNewObjectsInput } from '../../activities/list-new-objects';
import { batchIdOf, objectMarkerKey, type RawObjectRef } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
import { isRawDataKey, planBatches } from '../../core/plan-batches';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { LOADOUT_OBJECTS } from '../../workflows/search-attributes';
import { searchAttributeKeys } from '../../workflows/search-attribute-values';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import {
  discoverByListing,
  type DiscoverByListingInput,
  type DiscoverByListingResult,
} from '../../workflows/discover-by-listing';
import type { FileBatchInput, FileBatchResult } from '../../workflows/file-batch-types';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let dir: string;
let lake: ObjectStore;
let taskQueue: string;
let worker: Worker;
let running: Promise<void>;

/** Every processFileBatch call (its source and keys), recorded on entry, before the gate. */
const processed: Array<{ source: string; keys: string[] }> = [];
const listed: ListNewObjectsInput[] = [];
/** While set, processFileBatch waits for it: batches stay running as long as a test wants. */
let gate: Promise<void> | undefined;
let openGate: () => void = () => {};

function closeGate() {
  gate = new Promise<void>((resolve) => {
    openGate = () => {
      gate = undefined;
      resolve();
    };
  });
}

beforeAll(async () => {
  temporal = await connectTemporal();
  const catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-discover-'));
  lake = openObjectStore(join(dir, 'lake'));
  taskQueue = uniqueTaskQueue('discover');
  const activities = createActivities({ catalog, lake });
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: { codePath: temporal.workflowBundlePath },
    activities: {
      ...activities,
      processFileBatch: async (input: FileBatchInput) => {
        processed.push({ source: input.source, keys: input.objects.map((o) => o.key) });
        if (gate) await gate;
        return activities.processFileBatch(input);
      },
      listNewObjects: async (input: ListNewObjectsInput) => {
        listed.push(input);
        return activities.listNewObjects(input);
      },
    },
  });
  running = worker.run();
});

afterAll(async () => {
  openGate();
  worker?.shutdown();
  await running;
  await temporal?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  openGate();
});

let rawCount = 0;
/** A fresh raw zone per test: batch ids and markers never collide between tests. */
function freshRaw(): ObjectStore {
  return openObjectStore(join(dir, `raw-${++rawCount}`));
}

function baseInput(raw: ObjectStore, overrides: Partial<DiscoverByListingInput> = {}): DiscoverByListingInput {
  return {
    source: raw.location,
    environment: 'test',
    reconcileEvery: 0,
    listEvery: '200ms',
    batchObjects: 2,
    batchBytes: 1 << 30,
    once: true,
    ...overrides,
  };
}

let runCount = 0;
async function pass(
  raw: ObjectStore,
  overrides: Partial<DiscoverByListingInput> = {},
): Promise<DiscoverByListingResult> {
  return temporal.client.workflow.execute(discoverByListing, {
    workflowId: `test-discover-${++runCount}-${Date.now()}`,
    taskQueue,
    args: [baseInput(raw, overrides)],
  });
}

function results(ids: string[]): Promise<FileBatchResult[]> {
  return Promise.all(ids.map((id) => temporal.client.workflow.getHandle(id).result() as Promise<FileBatchResult>));
}

/** The batches a listing of `raw` in key order gives, computed here independently of the activity. */
async function expectedBatches(raw: ObjectStore, keys?: string[]): Promise<Array<{ id: string; keys: string[] }>> {
  const objects: RawObjectRef[] = [];
  for await (const o of raw.list('')) {
    if (isRawDataKey(o.key) && (keys === undefined || keys.includes(o.key)))
      objects.push({ key: o.key, size: o.size, etag: o.etag });
  }
  return planBatches(objects, { maxObjects: 2, maxBytes: 1 << 30 }).map((b) => ({
    id: fileBatchWorkflowId(batchIdOf(raw.location, b), 'test'),
    keys: b.map((o) => o.key),
  }));
}

/** Key -> sha256 of the bytes: "unchanged" means byte for byte. */
async function snapshot(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of lake.list(prefix))
    out[o.key] = createHash('sha256')
      .update(await lake.readBytes(o.key))
      .digest('hex');
  return out;
}

function processedKeysOf(raw: ObjectStore): string[][] {
  return processed.filter((p) => p.source === raw.location).map((p) => p.keys);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('discoverByListing', () => {
  test('one pass starts a fileBatch child per deterministic batch of every raw data object; repeating it starts nothing new', async () => {
    const raw = freshRaw();
    const written = [
      '2026/11/22/10/a.gz',
      '2026/11/22/10/b.gz',
      '2026/11/22/10/c.gz',
      '2026/11/22/11/d.gz',
      '2026/11/22/11/e.gz',
    ].map((key, i) => writeSessionsObject(raw.location, key, 3 + i));
    writeObject(raw.location, '2026/11/22/11/_SUCCESS', '');
    writeObject(raw.location, '2026/11/22/11/.part-0.gz', 'a temp file of an uploader');
    writeObject(raw.location, '2026/11/22/11/f.gz.tmp', 'another');

    closeGate(); // keep the children running, so the repeated pass meets them in flight
    const first = await pass(raw);
    const expected = await expectedBatches(raw);
    expect(expected.map((b) => b.keys)).toEqual([
      ['2026/11/22/10/a.gz', '2026/11/22/10/b.gz'],
      ['2026/11/22/10/c.gz', '2026/11/22/11/d.gz'],
      ['2026/11/22/11/e.gz'],
    ]);
    expect(first.started).toEqual(expected.map((b) => b.id));
    expect(first.started.every((id) => id.length < 100 && !id.includes('2026'))).toBe(true);
    // The watermark is the last key listed, data or not.
    expect(first.watermark).toBe('2026/11/22/11/f.gz.tmp');

    // The same pass again while the batches run: the same ids, deduplicated by Temporal.
    const again = await pass(raw);
    expect(again.started).toEqual(first.started);
    await waitFor('three batches entering processing', () => processedKeysOf(raw).length >= 3);
    openGate();

    const done = await results(first.started);
    expect(done.map((r) => r.objects)).toEqual([2, 2, 1]);
    expect(done.flatMap((r) => r.skippedObjects)).toEqual([]);
    const rows = (table: string) =>
      done
        .flatMap((r) => r.staged)
        .filter((s) => s.table === table)
        .reduce((n, s) => n + s.rows, 0);
    expect(rows('session_begin')).toBe(written.reduce((n, w) => n + w.distinct.session_begin!, 0));
    // Children run concurrently, so they enter processing in any order: each batch once is the claim.
    const byFirstKey = (a: string[], b: string[]) => a[0]!.localeCompare(b[0]!);
    expect(processedKeysOf(raw).sort(byFirstKey)).toEqual(expected.map((b) => b.keys));
  });

  test('a pass after the watermark lists only later keys: nothing for old objects, new ones picked up', async () => {
    const raw = freshRaw();
    for (const key of ['2026/11/22/10/a.gz', '2026/11/22/10/b.gz', '2026/11/22/10/c.gz'])
      writeSessionsObject(raw.location, key, 4);
    const first = await pass(raw);
    await results(first.started);
    const staged = await snapshot('staged/');

    // Nothing new: nothing started, and the listing started after the watermark.
    const idle = await pass(raw, { watermark: first.watermark, pass: 1 });
    expect(idle).toEqual({ started: [], watermark: first.watermark });
    expect(listed.at(-1)!.startAfter).toBe(first.watermark);

    writeSessionsObject(raw.location, '2026/11/22/11/d.gz', 5);
    writeSessionsObject(raw.location, '2026/11/22/11/e.gz', 6);
    const second = await pass(raw, { watermark: first.watermark, pass: 1 });
    const expected = await expectedBatches(raw, ['2026/11/22/11/d.gz', '2026/11/22/11/e.gz']);
    expect(second.started).toEqual(expected.map((b) => b.id));
    expect(second.watermark).toBe('2026/11/22/11/e.gz');
    const [result] = await results(second.started);
    expect(result!.objects).toBe(2);
    expect(result!.skippedObjects).toEqual([]);
    // The earlier batches' outputs were not touched; the new batch added its own.
    const after = await snapshot('staged/');
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k in staged))).toEqual(staged);
    expect(Object.keys(after).length).toBe(Object.keys(staged).length + 2);
  });

  test('a late arrival before the watermark is missed by ordinary passes and picked up by reconciliation, once', async () => {
    const raw = freshRaw();
    for (const key of ['2026/11/22/10/a.gz', '2026/11/22/10/b.gz', '2026/11/22/10/c.gz'])
      writeSessionsObject(raw.location, key, 4);
    const first = await pass(raw, { reconcileEvery: 3 });
    await results(first.started);
    const staged = await snapshot('staged/');
    const markers = await snapshot('ledger/');
    const late = writeSessionsObject(raw.location, '2026/11/22/09/late.gz', 7);

    // Pass 1 of reconcileEvery 3 is an ordinary pass: after the watermark only.
    const ordinary = await pass(raw, { reconcileEvery: 3, pass: 1, watermark: first.watermark });
    expect(ordinary.started).toEqual([]);

    // Pass 3 reconciles: everything is listed again, only the unmarked late object is started.
    const reconciled = await pass(raw, { reconcileEvery: 3, pass: 3, watermark: first.watermark });
    expect(listed.at(-1)!.startAfter).toBeUndefined();
    const expected = await expectedBatches(raw, [late.key]);
    expect(reconciled.started).toEqual(expected.map((b) => b.id));
    expect(reconciled.watermark).toBe(first.watermark);
    const [result] = await results(reconciled.started);
    expect(result!.objects).toBe(1);
    expect(result!.staged.find((s) => s.table === 'session_begin')!.rows).toBe(late.distinct.session_begin);

    // A second reconciliation finds every object done and starts nothing.
    const again = await pass(raw, { reconcileEvery: 1, watermark: first.watermark });
    expect(again.started).toEqual([]);
    const after = await snapshot('staged/');
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k in staged))).toEqual(staged);
    // Old objects' markers unchanged: no batch took them again.
    const afterMarkers = await snapshot('ledger/');
    expect(Object.fromEntries(Object.entries(afterMarkers).filter(([k]) => k in markers))).toEqual(markers);
    expect(processedKeysOf(raw).flat().sort()).toEqual([
      '2026/11/22/09/late.gz',
      '2026/11/22/10/a.gz',
      '2026/11/22/10/b.gz',
      '2026/11/22/10/c.gz',
    ]);
  });

  test('reconciliation lists an object again when it was rewritten (new etag), not when it is unchanged', async () => {
    const raw = freshRaw();
    writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 4);
    writeSessionsObject(raw.location, '2026/11/22/10/b.gz', 4);
    await results((await pass(raw, { reconcileEvery: 1 })).started);
    expect((await pass(raw, { reconcileEvery: 1 })).started).toEqual([]);

    writeSessionsObject(raw.location, '2026/11/22/10/b.gz', 9); // same key, new content
    const marker = JSON.parse(
      Buffer.from(await lake.readBytes(objectMarkerKey(raw.location, '2026/11/22/10/b.gz'))).toString(),
    ) as { etag: string };
    expect(marker.etag).not.toBe((await raw.head('2026/11/22/10/b.gz'))!.etag);
    const again = await pass(raw, { reconcileEvery: 1 });
    expect(again.started).toEqual((await expectedBatches(raw, ['2026/11/22/10/b.gz'])).map((b) => b.id));
    const [result] = await results(again.started);
    expect(result!.objects).toBe(1);
    expect(result!.staged.find((s) => s.table === 'session_begin')!.rows).toBe(9);
  });

  test('children outlive the parent: a one-pass discovery completes while its batches still run, and they finish', async () => {
    const raw = freshRaw();
    writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 3);
    writeSessionsObject(raw.location, '2026/11/22/10/b.gz', 3);
    writeSessionsObject(raw.location, '2026/11/22/10/c.gz', 3);
    closeGate();
    const workflowId = `test-discover-abandon-${Date.now()}`;
    const parent = await temporal.client.workflow.start(discoverByListing, {
      workflowId,
      taskQueue,
      args: [baseInput(raw)],
    });
    const { started } = await parent.result();
    expect(started).toHaveLength(2);
    expect((await parent.describe()).status.name).toBe('COMPLETED');
    await waitFor('both batches processing', () => processedKeysOf(raw).length === 2);
    for (const id of started) {
      const child = await temporal.client.workflow.getHandle(id).describe();
      expect(child.status.name).toBe('RUNNING');
      expect(child.parentExecution?.workflowId).toBe(workflowId);
    }
    openGate();
    const done = await results(started);
    expect(done.map((r) => r.objects)).toEqual([2, 1]);
    for (const id of started)
      expect((await temporal.client.workflow.getHandle(id).describe()).status.name).toBe('COMPLETED');
  });

  test('a due reconciliation waits for the batches still running, so a late arrival never regroups them into a second run', async () => {
    const raw = freshRaw();
    writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 3);
    writeSessionsObject(raw.location, '2026/11/22/10/c.gz', 3);
    closeGate();
    const handle = await temporal.client.workflow.start(discoverByListing, {
      workflowId: `test-discover-loop-${Date.now()}`,
      taskQueue,
      args: [baseInput(raw, { once: false, reconcileEvery: 2, listEvery: '100ms' })],
    });
    try {
      await waitFor('the first batch processing', () => processedKeysOf(raw).length === 1);
      // Sorts between a and c: a reconciliation now would plan {a, b} and {c}, new batch ids.
      writeSessionsObject(raw.location, '2026/11/22/10/b.gz', 3);
      const listedBefore = listed.filter((l) => l.source === raw.location).length;
      // Pass 2 is a due reconciliation (the dev server's timers make a pass about a second); it
      // must be held back while {a, c} runs. Pass 3 listing means pass 2 started whatever it would.
      await waitFor(
        'three more passes',
        () => listed.filter((l) => l.source === raw.location).length >= listedBefore + 3,
      );
      await new Promise((r) => setTimeout(r, 200)); // time for a wrongly started batch to reach its activity
      expect(
        listed
          .filter((l) => l.source === raw.location)
          .map((l) => l.startAfter)
          .slice(1),
      ).not.toContain(undefined);
      expect(processedKeysOf(raw)).toEqual([['2026/11/22/10/a.gz', '2026/11/22/10/c.gz']]);
      openGate();
      // Once {a, c} closed, the owed reconciliation takes the late b alone.
      await waitFor('the late object processed', () => processedKeysOf(raw).length === 2);
      expect(processedKeysOf(raw)).toEqual([['2026/11/22/10/a.gz', '2026/11/22/10/c.gz'], ['2026/11/22/10/b.gz']]);
      const lateId = (await expectedBatches(raw, ['2026/11/22/10/b.gz']))[0]!.id;
      expect((await results([lateId]))[0]!.objects).toBe(1);
      // And further passes leave everything alone.
      const listedNow = listed.filter((l) => l.source === raw.location).length;
      await waitFor('two more passes', () => listed.filter((l) => l.source === raw.location).length >= listedNow + 2);
      expect(processedKeysOf(raw)).toHaveLength(2);
    } finally {
      await handle.terminate('test done');
    }
  });

  test('settleSeconds leaves young objects to SQS discovery and keeps the watermark before them', async () => {
    const raw = freshRaw();
    writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 3);
    const waiting = await pass(raw, { settleSeconds: 3600 });
    expect(waiting).toEqual({ started: [] });
    const taken = await pass(raw, { watermark: waiting.watermark });
    expect(taken.started).toEqual((await expectedBatches(raw)).map((b) => b.id));
    await results(taken.started);
  });

  test('objects whose names no key can address are quarantined on the first attempt, once, and the rest is batched', async () => {
    const raw = freshRaw();
    writeSessionsObject(raw.location, '2026/11/22/10/good.gz', 3);
    writeObject(raw.location, '2026/11/22/10/new\nline.gz', 'x');
    writeObject(raw.location, '2026/11/22/10/back\\slash.gz', 'xy');
    writeFileSync(
      Buffer.from([...Buffer.from(`${raw.location}/2026/11/22/10/latin1-`), 0xe9, ...Buffer.from('.gz')]),
      'xyz',
    );
    const workflowId = `test-discover-badnames-${Date.now()}`;
    const first = await temporal.client.workflow.execute(discoverByListing, {
      workflowId,
      taskQueue,
      args: [baseInput(raw)],
    });

    expect(first.started).toEqual((await expectedBatches(raw)).map((b) => b.id));
    const [result] = await results(first.started);
    expect(result!.objects).toBe(1);
    const expected = [
      ['2026/11/22/10/back\\slash.gz', 2, /backslashes/],
      ['2026/11/22/10/latin1-\\xe9.gz', 3, /not valid UTF-8/],
      ['2026/11/22/10/new\nline.gz', 1, /control characters/],
    ] as const;
    for (const [key, size, reason] of expected) {
      const record = JSON.parse(
        Buffer.from(await lake.readBytes(quarantineKeyOf(raw.location, key))).toString(),
      ) as QuarantineRecord;
      expect(record).toMatchObject({
        source: raw.location,
        key,
        size,
        kind: 'invalid-key',
        batchId: 'listing',
        workflowId,
      });
      expect(record.reason).toMatch(reason);
    }
    // Decided on the first attempt: no activity of the discovery failed, nothing was retried.
    const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
    expect(
      history.events!.filter((e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes),
    ).toEqual([]);

    // A reconciliation pass meets them again and leaves the records as they are (an acknowledged one stays acknowledged).
    const records = await snapshot('quarantine/');
    expect(Object.keys(records)).toHaveLength(3);
    await pass(raw);
    expect(await snapshot('quarantine/')).toEqual(records);
  });

  test('a 3 KB local key (deep folders) is discovered, processed and staged; its search attribute is the shortened key', async () => {
    const raw = freshRaw();
    const folders = Array.from({ length: 16 }, (_, i) => `level-${String(i).padStart(2, '0')}-${'d'.repeat(190)}`);
    const key = `2026/11/22/10/${folders.join('/')}/deep.gz`;
    expect(Buffer.byteLength(key)).toBeGreaterThan(3 * 1024);
    const written = writeSessionsObject(raw.location, key, 4);
    const first = await pass(raw);
    expect(first.started).toHaveLength(1);
    const [result] = await results(first.started);
    expect(result!.objects).toBe(1);
    expect(result!.staged.find((s) => s.table === 'session_begin')?.rows).toBe(written.distinct.session_begin);
    const description = await temporal.client.workflow.getHandle(first.started[0]!).describe();
    expect(description.typedSearchAttributes.get(LOADOUT_OBJECTS)).toEqual(searchAttributeKeys([key]));
    expect(first.watermark).toBe(key); // the watermark is workflow input, not a search attribute: whole
  });
});
