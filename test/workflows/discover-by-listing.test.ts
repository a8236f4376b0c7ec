/** discoverByListing on a real Temporal dev server over a local directory raw zone: which objects a pass lists (watermark, reconciliation, settling). */
import { describe, expect, test } from 'vitest';
import { objectMarkerKey } from '../../core/batch-id';
import { writeObject, writeSessionsObject } from '../helpers/raw-files';
import {
  closeGate,
  expectedBatches,
  freshRaw,
  lake,
  listed,
  openGate,
  pass,
  processedKeysOf,
  results,
  snapshot,
  waitFor,
  useDiscoverWorker,
} from '../helpers/discover-by-listing-worker';

useDiscoverWorker();

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

  test('settleSeconds leaves young objects to SQS discovery and keeps the watermark before them', async () => {
    const raw = freshRaw();
    writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 3);
    const waiting = await pass(raw, { settleSeconds: 3600 });
    expect(waiting).toEqual({ started: [] });
    const taken = await pass(raw, { watermark: waiting.watermark });
    expect(taken.started).toEqual((await expectedBatches(raw)).map((b) => b.id));
    await results(taken.started);
  });
});
