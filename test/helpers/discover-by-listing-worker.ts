/**
 * A worker for discoverByListing on the Temporal dev server over a local directory raw zone, recording
 * what it processes and lists. The bindings below are set before the file's tests: read them inside tests.
 */
import { Worker } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createActivities } from '../../activities';
import type { ListNewObjectsInput } from '../../activities/list-new-objects';
import { batchIdOf, type RawObjectRef } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
import { isRawDataKey, planBatches } from '../../core/plan-batches';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import {
  discoverByListing,
  type DiscoverByListingInput,
  type DiscoverByListingResult,
} from '../../workflows/discover-by-listing';
import type { FileBatchInput, FileBatchResult } from '../../workflows/file-batch-types';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from './temporal';
import { TEST_PERSONAL_KEYS } from './personal-keys';

export let temporal: TemporalTestContext;
export let dir: string;
export let lake: ObjectStore;
export let taskQueue: string;
export let worker: Worker;
export let running: Promise<void>;

/** Every processFileBatch call (its source and keys), recorded on entry, before the gate. */
export const processed: Array<{ source: string; keys: string[] }> = [];
export const listed: ListNewObjectsInput[] = [];
/** While set, processFileBatch waits for it: batches stay running as long as a test wants. */
export let gate: Promise<void> | undefined;
export let openGate: () => void = () => {};

export function closeGate() {
  gate = new Promise<void>((resolve) => {
    openGate = () => {
      gate = undefined;
      resolve();
    };
  });
}

/** Starts the worker before the file's tests and stops it after them; opens the gate before each test. */
export function useDiscoverWorker(): void {
  beforeAll(async () => {
    temporal = await connectTemporal();
    const catalog = await loadCatalog();
    dir = mkdtempSync(join(tmpdir(), 'loadout-discover-'));
    lake = openObjectStore(join(dir, 'lake'));
    taskQueue = uniqueTaskQueue('discover');
    const activities = createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake });
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
}

export let rawCount = 0;
/** A fresh raw zone per test: batch ids and markers never collide between tests. */
export function freshRaw(): ObjectStore {
  return openObjectStore(join(dir, `raw-${++rawCount}`));
}

export function baseInput(raw: ObjectStore, overrides: Partial<DiscoverByListingInput> = {}): DiscoverByListingInput {
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

export let runCount = 0;
export async function pass(
  raw: ObjectStore,
  overrides: Partial<DiscoverByListingInput> = {},
): Promise<DiscoverByListingResult> {
  return temporal.client.workflow.execute(discoverByListing, {
    workflowId: `test-discover-${++runCount}-${Date.now()}`,
    taskQueue,
    args: [baseInput(raw, overrides)],
  });
}

export function results(ids: string[]): Promise<FileBatchResult[]> {
  return Promise.all(ids.map((id) => temporal.client.workflow.getHandle(id).result() as Promise<FileBatchResult>));
}

/** The batches a listing of `raw` in key order gives, computed here independently of the activity. */
export async function expectedBatches(
  raw: ObjectStore,
  keys?: string[],
): Promise<Array<{ id: string; keys: string[] }>> {
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
export async function snapshot(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of lake.list(prefix))
    out[o.key] = createHash('sha256')
      .update(await lake.readBytes(o.key))
      .digest('hex');
  return out;
}

export function processedKeysOf(raw: ObjectStore): string[][] {
  return processed.filter((p) => p.source === raw.location).map((p) => p.keys);
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
