/**
 * The SQS poller against real moto S3 -> SQS notifications and a real Temporal dev server, when
 * things go wrong: unstartable batches dead-lettered, a notified object gone before its batch.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, test } from 'vitest';
import { batchIdOf, objectMarkerKey } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
import { parseS3Notification } from '../../workers/parse-s3-notification';
import { S3ObjectStore } from '../../stores/object/s3-store';
import type { PollOutcome } from '../../workers/sqs-poller';
import { createQueueWithDlq, notifyObjectCreated } from '../helpers/moto-server';
import {
  depth,
  drain,
  events,
  lake,
  poller,
  queue,
  rawBucket,
  rawKeysOf,
  receivedByHandle,
  results,
  s3,
  sqs,
  temporal,
  total,
  upload,
  useSqsPollerHarness,
} from '../helpers/sqs-poller-harness';

useSqsPollerHarness();

describe('SqsPoller', () => {
  test('a message whose batch cannot be started is not deleted, is redelivered, and lands in the dead-letter queue', async () => {
    const bucket = 'loadout-poison';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const poison = await createQueueWithDlq(sqs, 'poison-events', { maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
    await notifyObjectCreated(s3, bucket, poison.queueArn);
    const store = new S3ObjectStore({ bucket, prefix: '', client: s3 });
    const written = await upload('raw/p.gz', 3, store);
    const eventsBefore = events.length;

    // Temporal answers, but the namespace does not exist: every start fails.
    const broken = new Client({ connection: temporal.client.connection, namespace: 'loadout-no-such-namespace' });
    const p = poller({ queueUrl: poison.queueUrl, client: broken, rawLocation: `s3://${bucket}/raw`, waitSeconds: 2 });
    const outcomes: PollOutcome[] = [];
    const deadline = Date.now() + 20_000;
    while ((await depth(poison.dlqUrl)) === 0) {
      if (Date.now() > deadline) throw new Error(`nothing dead-lettered: ${JSON.stringify(outcomes)}`);
      outcomes.push(await p.pollOnce());
    }
    // The TestEvent was acknowledged even so; the object's message failed once per receive, maxReceiveCount times.
    expect(total(outcomes)).toMatchObject({ ignored: 1, failed: 2, started: [] });
    const deletedKeys = events
      .slice(eventsBefore)
      .flatMap((e) => (e.kind === 'delete' ? rawKeysOf(receivedByHandle.get(e.receiptHandle)) : []));
    expect(deletedKeys).toEqual([]);
    expect(await depth(poison.queueUrl)).toBe(0);
    const head = (await store.head('raw/p.gz'))!;
    const lost = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: poison.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 0,
      }),
    );
    expect(lost.Messages?.map((m) => parseS3Notification(m.Body!))).toEqual([
      {
        kind: 'objects',
        objects: [
          {
            bucket,
            key: 'raw/p.gz',
            size: head.size,
            etag: head.etag,
            eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          },
        ],
      },
    ]);
    expect(await lake.head(objectMarkerKey(`s3://${bucket}/raw`, 'p.gz'))).toBeUndefined();
    const batchId = fileBatchWorkflowId(
      batchIdOf(`s3://${bucket}/raw`, [{ key: 'p.gz', size: head.size, etag: head.etag }]),
      'test',
    );
    await expect(temporal.client.workflow.getHandle(batchId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // Nothing is lost: a poller that can start batches, pointed at the dead-letter queue, redrives it.
    const redrive = total(
      await drain(poller({ queueUrl: poison.dlqUrl, rawLocation: `s3://${bucket}/raw` }), poison.dlqUrl),
    );
    expect(redrive).toMatchObject({ messages: 1, failed: 0 });
    const [result] = await results(redrive.started);
    expect(result!.objects).toBe(1);
    expect(result!.staged.find((s) => s.table === 'session_begin')!.rows).toBe(written.distinct.session_begin);
    expect(redrive.started).toEqual([batchId]);
  });

  test('a receive naming a key that is gone: the good objects of the same receive are staged in the same pass', async () => {
    const a = await upload('raw/2026/11/22/15/gone-a.gz', 4);
    const b = await upload('raw/2026/11/22/15/gone-b.gz', 6);
    const c = await upload('raw/2026/11/22/15/gone-c.gz', 3);
    // Deleted after its notification was sent, as an expiring or reprocessed upload would be.
    await rawBucket.delete(c.key);
    const outcomes = await drain(poller({ limits: { maxObjects: 10, maxBytes: 1 << 30 } }));
    const gone = c.key.slice('raw/'.length);
    // SQS may hand the three notifications over in one receive or several: either way every batch
    // completes, the missing object is quarantined once, and the good ones are staged in this drain.
    const batches = await results(total(outcomes).started);
    expect(batches.flatMap((r) => r.quarantined)).toEqual([
      { key: gone, kind: 'missing', reason: expect.stringContaining('gone from the raw zone') },
    ]);
    const staged = (table: string) =>
      batches.flatMap((r) => r.staged.filter((s) => s.table === table)).reduce((n, s) => n + s.rows, 0);
    expect(staged('session_begin')).toBe(a.distinct.session_begin! + b.distinct.session_begin!);
    expect(staged('purchase')).toBe(a.distinct.purchase! + b.distinct.purchase!);
    expect(total(outcomes).failed).toBe(0);
    expect(await depth(queue.queueUrl)).toBe(0);
  });
});
