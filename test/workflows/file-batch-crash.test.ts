/** A worker killed in the middle of a file: the retried activity stages exactly the same objects. */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { runFileBatch } from '../../cli/ingest';
import { batchIdOf } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { writeSessionsObject } from '../helpers/raw-files';
import { killWorkerProcess, startWorkerProcess } from '../helpers/worker-child';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import * as workflows from '../../workflows';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

let temporal: TemporalTestContext;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-crash-'));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function digests(store: ObjectStore, prefix: string) {
  const out: Record<string, string> = {};
  for await (const o of store.list(prefix))
    out[o.key] = createHash('sha256')
      .update(readFileSync(store.urlOf(o.key)))
      .digest('hex');
  return out;
}

test('SIGKILL of the worker mid-file, then a new worker: same staged objects, byte for byte', async () => {
  const raw = openObjectStore(join(dir, 'raw'));
  const keys = ['2026/11/22/10/big-1.gz', '2026/11/22/10/big-2.gz'];
  // Large enough that processing takes seconds, so the kill lands inside the activity.
  for (const [i, key] of keys.entries()) writeSessionsObject(raw.location, key, 40_000, `crash-${i}`);
  const objects = [];
  for (const key of keys) {
    const h = (await raw.head(key))!;
    objects.push({ key, size: h.size, etag: h.etag });
  }
  const batchId = batchIdOf(raw.location, objects);
  const input = { source: raw.location, objects, heartbeatTimeout: '3s' };

  // Reference: the same batch on an undisturbed worker with its own lake.
  const referenceLake = openObjectStore(join(dir, 'lake-reference'));
  const refQueue = uniqueTaskQueue('crash-ref');
  const refWorker = await testWorker(
    temporal,
    refQueue,
    createActivities({ catalog: await loadCatalog(), lake: referenceLake, personalKeys: TEST_PERSONAL_KEYS }),
  );
  const reference = await refWorker.runUntil(
    runFileBatch(temporal.client, `${fileBatchWorkflowId(batchId)}-reference`, refQueue, input),
  );

  const lake = openObjectStore(join(dir, 'lake'));
  const taskQueue = uniqueTaskQueue('crash');
  child = await startWorkerProcess(temporal, taskQueue, lake.location);
  const workflowId = fileBatchWorkflowId(batchId);
  const handle = await temporal.client.workflow.start(workflows.fileBatch, { workflowId, taskQueue, args: [input] });

  // Wait until the activity has heartbeated progress inside the first object, then kill the worker.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (pending[0]?.heartbeatDetails?.payloads?.length) break;
    if (Date.now() > deadline) throw new Error('the activity never heartbeated');
    await new Promise((r) => setTimeout(r, 100));
  }
  await killWorkerProcess(child);
  expect(await digests(lake, 'staged/')).toEqual({});

  child = await startWorkerProcess(temporal, taskQueue, lake.location);
  const result = await handle.result();
  const attempts = (await handle.fetchHistory())
    .events!.filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => e.activityTaskStartedEventAttributes!.attempt);
  expect(attempts.at(-1)).toBeGreaterThan(1);

  expect({ ...result, reportKey: '', seconds: 0 }).toEqual({ ...reference, reportKey: '', seconds: 0 });
  expect(await digests(lake, 'staged/')).toEqual(await digests(referenceLake, 'staged/'));
  expect(Object.keys(await digests(lake, 'staged/'))).toHaveLength(2);
});
