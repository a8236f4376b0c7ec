/** listReplayObjects over a real directory: objects of the window that no key can address are quarantined, once. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { listReplayObjects, type ListReplayObjectsResult } from '../../activities/list-replay-objects';
import { StoreCache } from '../../activities/store-cache';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { loadCatalog } from '../../schemas/catalog';
import { FsObjectStore } from '../../stores/object/fs-store';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';

const dir = mkdtempSync(join(tmpdir(), 'loadout-replay-list-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('in the window: quarantined with the reason; outside it: left alone; a second listing writes nothing', async () => {
  const raw = join(dir, 'raw');
  const lake = new FsObjectStore(join(dir, 'lake'));
  writeSessionsObject(raw, '2026/11/22/10/good.gz', 2);
  writeObject(raw, '2026/11/22/10/tab\there.gz', 'x');
  writeFileSync(Buffer.from([...Buffer.from(`${raw}/2026/11/22/10/bad-`), 0xfe, ...Buffer.from('.gz')]), 'xy');
  writeObject(raw, '2026/11/23/10/later\nnewline.gz', 'x'); // outside the window
  const deps = { catalog: await loadCatalog(), lake, stores: new StoreCache() };
  const input = {
    source: raw,
    environment: 'test',
    from: '2026-11-22T00:00:00Z',
    to: '2026-11-23T00:00:00Z',
    limit: 100,
    batchObjects: 10,
    batchBytes: 1 << 30,
  };
  const env = new MockActivityEnvironment();
  const list = () =>
    env.run<[], ListReplayObjectsResult, () => Promise<ListReplayObjectsResult>>(() => listReplayObjects(deps, input));

  const first = await list();
  expect(first.batches.flatMap((b) => b.objects.map((o) => o.key))).toEqual(['2026/11/22/10/good.gz']);
  expect(first.quarantined).toBe(2);
  const record = async (key: string) =>
    JSON.parse(Buffer.from(await lake.readBytes(quarantineKeyOf(raw, key))).toString()) as QuarantineRecord;
  expect(await record('2026/11/22/10/tab\there.gz')).toMatchObject({
    kind: 'invalid-key',
    size: 1,
    reason: expect.stringMatching(/control characters/),
  });
  expect(await record('2026/11/22/10/bad-\\xfe.gz')).toMatchObject({
    kind: 'invalid-key',
    size: 2,
    reason: expect.stringMatching(/not valid UTF-8/),
  });
  expect(await lake.head(quarantineKeyOf(raw, '2026/11/23/10/later\nnewline.gz'))).toBeUndefined();

  expect((await list()).quarantined).toBe(0);
});
