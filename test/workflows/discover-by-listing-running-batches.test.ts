/** discoverByListing on a real Temporal dev server while its fileBatch children still run. */
import { describe, expect, test } from 'vitest';
import { discoverByListing } from '../../workflows/discover-by-listing';
import { writeSessionsObject } from '../helpers/raw-files';
import {
  baseInput,
  closeGate,
  expectedBatches,
  freshRaw,
  listed,
  openGate,
  processedKeysOf,
  results,
  taskQueue,
  temporal,
  waitFor,
  useDiscoverWorker,
} from '../helpers/discover-by-listing-worker';

useDiscoverWorker();

describe('discoverByListing', () => {
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
});
