/**
 * The SQS poller against real moto S3 -> SQS notifications and a real Temporal dev server: batches
 * started and staged, messages deleted only after the starts, junk ignored, redelivery never
 * reprocessing, long keys kept out of workflow ids.
 */
import { ReceiveMessageCommand, SendMessageCommand, DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { describe, expect, test } from 'vitest';
import { objectMarkerKey } from '../../core/batch-id';
import type { FileBatchResult } from '../../workflows/file-batch-types';
import {
  RAW_LOCATION,
  depth,
  drain,
  events,
  expectDeletesAfterStarts,
  lake,
  poller,
  queue,
  rawBucket,
  rawKeysOf,
  receivedByHandle,
  results,
  snapshot,
  sqs,
  temporal,
  total,
  upload,
  useSqsPollerHarness,
} from '../helpers/sqs-poller-harness';

useSqsPollerHarness();

const originals: Message[] = [];
let firstIds: string[] = [];
let firstResults: FileBatchResult[] = [];

describe('SqsPoller', () => {
  test('starts batches for new raw objects, deletes messages only after their starts, ignores TestEvent, junk and keys outside raw/', async () => {
    const a = await upload('raw/2026/11/22/10/a.gz', 5);
    const u = await upload('raw/2026/11/22/10/game server+1 ü€.gz', 4);
    const b = await upload('raw/2026/11/22/10/b.gz', 3);
    await upload('elsewhere/2026/11/22/10/x.gz', 2);
    await rawBucket.write('raw/2026/11/22/10/_SUCCESS', '');
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'this is not an S3 notification' }));
    const foreign = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'someone-elses-bucket' }, object: { key: 'raw%2Fz.gz', size: 9, eTag: 'e' } },
        },
      ],
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: foreign }));
    const eventsBefore = events.length;

    const outcomes = total(await drain(poller()));
    // TestEvent, junk, foreign bucket, elsewhere/, _SUCCESS: five messages acknowledged and ignored.
    expect(outcomes).toMatchObject({ messages: 8, ignored: 5, failed: 0 });
    expect(outcomes.started.length).toBeGreaterThanOrEqual(2);
    for (const id of outcomes.started) expect(id).toMatch(/^loadout-filebatch-test-[0-9a-f]{32}$/);
    expect(await depth(queue.queueUrl)).toBe(0);
    expect(await depth(queue.dlqUrl)).toBe(0);

    // Every message was deleted (ignored ones too), each one naming raw objects after its start.
    const deleted = events.slice(eventsBefore).filter((e) => e.kind === 'delete');
    expect(deleted).toHaveLength(8);
    expectDeletesAfterStarts();
    originals.push(
      ...deleted.map((e) => receivedByHandle.get(e.receiptHandle)!).filter((m) => rawKeysOf(m).length > 0),
    );
    expect(originals.flatMap(rawKeysOf).sort()).toEqual([
      '2026/11/22/10/a.gz',
      '2026/11/22/10/b.gz',
      '2026/11/22/10/game server+1 ü€.gz',
    ]);

    const done = await results(outcomes.started);
    expect(done.reduce((n, r) => n + r.objects, 0)).toBe(3);
    expect(done.flatMap((r) => r.skippedObjects)).toEqual([]);
    const rows = done
      .flatMap((r) => r.staged)
      .filter((s) => s.table === 'purchase')
      .reduce((n, s) => n + s.rows, 0);
    expect(rows).toBe(a.distinct.purchase! + u.distinct.purchase! + b.distinct.purchase!);
    // Staged Parquet is in the S3 lake, under the keys the results name.
    for (const staged of done.flatMap((r) => r.staged)) {
      expect(staged.key).toMatch(/^staged\/(purchase|session_begin)\/[0-9a-f]+-[0-9a-f]{32}\.parquet$/);
      const bytes = await lake.readBytes(staged.key);
      expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('PAR1');
    }
    // The batches were named from the canonical location: the markers are where listing discovery looks.
    for (const key of originals.flatMap(rawKeysOf))
      expect(await lake.head(objectMarkerKey(RAW_LOCATION, key)), key).toBeDefined();
    firstIds = outcomes.started;
    firstResults = done;
  });

  test('redelivery of the same notifications starts nothing new and stages nothing again', async () => {
    expect(originals).toHaveLength(3);
    const staged = await snapshot('staged/');
    const ledger = await snapshot('ledger/');
    for (const m of originals)
      await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: m.Body! }));

    const outcomes = total(await drain(poller()));
    expect(outcomes).toMatchObject({ messages: 3, ignored: 0, failed: 0 });
    // The same objects give the same batches and ids: Temporal deduplicates the starts.
    expect(outcomes.started.sort()).toEqual([...firstIds].sort());
    const done = await results(outcomes.started);
    expect(done.sort((x, y) => x.batchId.localeCompare(y.batchId))).toEqual(
      [...firstResults].sort((x, y) => x.batchId.localeCompare(y.batchId)),
    );
    for (const id of outcomes.started) {
      const runs = [];
      for await (const w of temporal.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(w.runId);
      expect(runs, id).toHaveLength(1);
    }
    expect(await snapshot('staged/')).toEqual(staged);
    expect(await snapshot('ledger/')).toEqual(ledger);
    expectDeletesAfterStarts();
  });

  test('a redelivered notification regrouped with a new object: the old object is skipped, only the new one is processed', async () => {
    const staged = await snapshot('staged/');
    const d = await upload('raw/2026/11/22/11/d.gz', 6);
    // Take d's own notification off the queue, to send it regrouped with an old one.
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    expect(Messages).toHaveLength(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle }));
    const dRecord = JSON.parse(Messages![0]!.Body!).Records[0];
    const old = originals.find((m) => rawKeysOf(m)[0] === '2026/11/22/10/a.gz')!;
    const regrouped = JSON.stringify({ Records: [JSON.parse(old.Body!).Records[0], dRecord] });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: regrouped }));

    const outcomes = total(await drain(poller()));
    expect(outcomes).toMatchObject({ messages: 1, ignored: 0, failed: 0 });
    expect(outcomes.started).toHaveLength(1);
    expect(firstIds).not.toContain(outcomes.started[0]);
    const [result] = await results(outcomes.started);
    expect(result!.skippedObjects).toEqual(['2026/11/22/10/a.gz']);
    expect(result!.objects).toBe(1);
    expect(result!.staged.find((s) => s.table === 'purchase')!.rows).toBe(d.distinct.purchase);
    // Earlier outputs byte for byte as they were; the new batch only added its own files.
    const after = await snapshot('staged/');
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k in staged))).toEqual(staged);
    expect(
      Object.keys(after)
        .filter((k) => !(k in staged))
        .sort(),
    ).toEqual(result!.staged.map((s) => s.key).sort());
    expectDeletesAfterStarts();
  });

  test('a 1000-character key gives a workflow id under 100 characters with no part of the key in it', async () => {
    const tail = `LongKeyMarker-${'k'.repeat(1000)}`;
    const key = `raw/2026/11/22/12/${tail}`.slice(0, 997) + '.gz';
    expect(key).toHaveLength(1000);
    await upload(key, 2);
    const outcomes = total(await drain(poller()));
    expect(outcomes).toMatchObject({ messages: 1, failed: 0 });
    expect(outcomes.started).toHaveLength(1);
    const id = outcomes.started[0]!;
    expect(id.length).toBeLessThan(100);
    for (const part of ['LongKeyMarker', 'kkkk', '2026', 'raw/', '.gz']) expect(id).not.toContain(part);
    const [result] = await results([id]);
    expect(result!.objects).toBe(1);
    expect(await lake.head(objectMarkerKey(RAW_LOCATION, key.slice('raw/'.length)))).toBeDefined();
  });
});
