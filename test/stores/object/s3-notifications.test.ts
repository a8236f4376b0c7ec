/** What moto really delivers for S3 -> SQS notifications and dead-lettering: the ground the discovery poller stands on. */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { S3ObjectStore } from '../../../stores/object/s3-store';
import {
  createQueueWithDlq,
  motoS3Client,
  motoSqsClient,
  notifyObjectCreated,
  startMoto,
  type MotoServer,
} from '../../helpers/moto-server';

let moto: MotoServer;
let s3: S3Client;
let sqs: SQSClient;
let dir: string;

beforeAll(async () => {
  moto = await startMoto();
  s3 = motoS3Client(moto.endpoint);
  sqs = motoSqsClient(moto.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'loadout-notify-'));
});
afterAll(async () => {
  s3?.destroy();
  sqs?.destroy();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface S3Record {
  eventSource: string;
  awsRegion: string;
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string; size: number; eTag: string } };
}

test('ObjectCreated events (Put, multipart, Copy) reach the queue, after an s3:TestEvent', async () => {
  const bucket = 'loadout-notify';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const queue = await createQueueWithDlq(sqs, 'raw-events', { maxReceiveCount: 3, visibilityTimeoutSeconds: 30 });
  await notifyObjectCreated(s3, bucket, queue.queueArn, 'raw/');

  // Configuring the bucket sends one test event, which pollers must acknowledge and ignore.
  const [testEvent] = await receive(queue.queueUrl, 1);
  expect(JSON.parse(testEvent!.Body!)).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: bucket });
  await remove(queue.queueUrl, testEvent!);

  const store = new S3ObjectStore({ bucket, prefix: '', client: s3 });
  await store.write('raw/2026-11-22/game server+1.json.gz', 'small');
  await store.write('elsewhere/ignored.json.gz', 'outside the filter prefix');
  writeFileSync(join(dir, 'big'), Buffer.alloc(6 * 1024 * 1024, 1));
  await store.writeFile('raw/big.json.gz', join(dir, 'big'));
  await store.move('raw/big.json.gz', 'raw/moved.json.gz');

  const messages = await receive(queue.queueUrl, 4);
  const records = messages.flatMap((m) => (JSON.parse(m.Body!) as { Records: S3Record[] }).Records);
  for (const m of messages) await remove(queue.queueUrl, m);
  // One record per message. moto 5.2.5 also sends a Put for a completed multipart upload (real S3
  // sends only CompleteMultipartUpload): duplicates happen, as S3's at-least-once delivery allows.
  expect(messages.map((m) => (JSON.parse(m.Body!) as { Records: S3Record[] }).Records.length)).toEqual([1, 1, 1, 1]);
  expect(records.map((r) => `${r.eventName} ${r.s3.object.key}`).sort()).toEqual([
    'ObjectCreated:CompleteMultipartUpload raw%2Fbig.json.gz',
    'ObjectCreated:Copy raw%2Fmoved.json.gz',
    'ObjectCreated:Put raw%2F2026-11-22%2Fgame+server%2B1.json.gz',
    'ObjectCreated:Put raw%2Fbig.json.gz',
  ]);
  const put = records.find((r) => r.s3.object.size === 5)!;
  expect(put).toMatchObject({ eventSource: 'aws:s3', awsRegion: 'us-east-1', s3: { bucket: { name: bucket } } });
  // Keys arrive form-encoded by Python's quote_plus, so even '/' becomes %2F (real S3 leaves '/'):
  // decodeURIComponent after '+' -> ' ' reads both. The eTag comes without S3's quotes.
  expect(decodeURIComponent(put.s3.object.key.replace(/\+/g, ' '))).toBe('raw/2026-11-22/game server+1.json.gz');
  expect(put.s3.object.eTag).toBe((await store.head('raw/2026-11-22/game server+1.json.gz'))?.etag);
  const multipart = records.find((r) => r.eventName === 'ObjectCreated:CompleteMultipartUpload')!;
  expect(multipart.s3.object).toMatchObject({ size: 6 * 1024 * 1024, eTag: expect.stringMatching(/-2$/) as unknown });
  expect(await receive(queue.queueUrl, 1, 1)).toEqual([]);
});

test('a message received maxReceiveCount times without a delete moves to the dead-letter queue', async () => {
  const bucket = 'loadout-dlq';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const queue = await createQueueWithDlq(sqs, 'poison', { maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
  await notifyObjectCreated(s3, bucket, queue.queueArn);
  await remove(queue.queueUrl, (await receive(queue.queueUrl, 1))[0]!); // the s3:TestEvent
  await new S3ObjectStore({ bucket, prefix: '', client: s3 }).write('raw/poison.json.gz', 'x');

  // Two receives without a delete: a poller that crashed, twice. Each waits out the 1 s visibility.
  const first = await receive(queue.queueUrl, 1);
  const second = await receive(queue.queueUrl, 1);
  expect(second[0]?.MessageId).toBe(first[0]?.MessageId);
  expect([first[0]?.Attributes?.ApproximateReceiveCount, second[0]?.Attributes?.ApproximateReceiveCount]).toEqual([
    '1',
    '2',
  ]);
  // The third receive finds the count at maxReceiveCount and moves the message instead of returning it.
  expect(await receive(queue.queueUrl, 1, 2)).toEqual([]);
  const [dead] = await receive(queue.dlqUrl, 1, 1);
  expect(dead?.MessageId).toBe(first[0]?.MessageId);
  expect(dead?.Body).toBe(first[0]?.Body);
  // moto keeps counting on the same message: the dead letter's count goes on from 2.
  expect(dead?.Attributes?.ApproximateReceiveCount).toBe('3');
  expect(JSON.parse(dead!.Body!).Records[0].s3.object.key).toBe('raw%2Fpoison.json.gz');
});

/** Long-polls until `count` messages arrived or `waitSeconds` passed without one. */
async function receive(queueUrl: string, count: number, waitSeconds = 5): Promise<Message[]> {
  const out: Message[] = [];
  while (out.length < count) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - out.length),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    if (!Messages?.length) break;
    out.push(...Messages);
  }
  return out;
}

async function remove(queueUrl: string, message: Message): Promise<void> {
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
}
