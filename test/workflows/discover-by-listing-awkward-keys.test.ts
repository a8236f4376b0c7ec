/** discoverByListing on a real Temporal dev server with keys it cannot address, or very long ones. */
import { writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { LOADOUT_OBJECTS } from '../../workflows/search-attributes';
import { searchAttributeKeys } from '../../workflows/search-attribute-values';
import { discoverByListing } from '../../workflows/discover-by-listing';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import {
  baseInput,
  expectedBatches,
  freshRaw,
  lake,
  pass,
  results,
  snapshot,
  taskQueue,
  temporal,
  useDiscoverWorker,
} from '../helpers/discover-by-listing-worker';

useDiscoverWorker();

describe('discoverByListing', () => {
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
