/**
 * The SQS poller's surroundings for a test file: moto S3 -> SQS notifications into a queue with a
 * dead-letter queue, a worker on the Temporal dev server, and a record of starts and deletes. The
 * bindings below are set before the file's tests: read them inside tests.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  type DeleteMessageBatchCommandInput,
  type Message,
  type ReceiveMessageCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { createActivities } from '../../activities';
import { parseS3Notification } from '../../workers/parse-s3-notification';
import { isRawDataKey } from '../../core/plan-batches';
import { loadCatalog } from '../../schemas/catalog';
import type { ObjectStore } from '../../stores/object/object-store';
import { openObjectStore } from '../../stores/object/open-object-store';
import { S3ObjectStore } from '../../stores/object/s3-store';
import { SqsPoller, type PollOutcome, type SqsPollerOptions } from '../../workers/sqs-poller';
import type { FileBatchInput, FileBatchResult } from '../../workflows/file-batch-types';
import {
  createQueueWithDlq,
  motoEnv,
  motoS3Client,
  motoSqsClient,
  notifyObjectCreated,
  startMoto,
  type MotoServer,
  type QueueWithDlq,
} from './moto-server';
import { writeSessionsObject, type WrittenRaw } from './raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from './temporal';
import { TEST_PERSONAL_KEYS } from './personal-keys';

export const RAW_BUCKET = 'loadout-raw';
export const LAKE_BUCKET = 'loadout-lake';
/** As a user might type it, trailing slash included: the poller must still name batches as S3ObjectStore.location does. */
export const RAW_LOCATION_TYPED = `s3://${RAW_BUCKET}/raw/`;
export const RAW_LOCATION = `s3://${RAW_BUCKET}/raw`;

export let moto: MotoServer;
export let s3: S3Client;
export let sqs: SQSClient;
export let savedEnv: Record<string, string | undefined>;
export let temporal: TemporalTestContext;
export let worker: Worker;
export let running: Promise<void>;
export let taskQueue: string;
export let lake: ObjectStore;
export let rawBucket: S3ObjectStore;
export let queue: QueueWithDlq;
export let scratch: string;
/** The poller's client: the real one, with every acknowledged start recorded. */
export let pollerClient: Client;

/** What happened, in order: acknowledged starts (with their objects) and deletes (with the keys their messages named). */
export const events: Array<
  { kind: 'start'; workflowId: string; keys: string[] } | { kind: 'delete'; receiptHandle: string }
> = [];
/** Every message any receive returned, by receipt handle. */
export const receivedByHandle = new Map<string, Message>();

/** Starts moto and the worker before the file's tests and stops them after; points the SDK at moto meanwhile. */
export function useSqsPollerHarness(): void {
  beforeAll(async () => {
    moto = await startMoto();
    // The activities open s3:// locations through the SDK's default chain: point it at moto for this file.
    const env = motoEnv(moto.endpoint);
    savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    s3 = motoS3Client(moto.endpoint);
    sqs = motoSqsClient(moto.endpoint);
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'ReceiveMessageCommand') {
          for (const m of (result.output as ReceiveMessageCommandOutput).Messages ?? [])
            receivedByHandle.set(m.ReceiptHandle!, m);
        }
        if (context.commandName === 'DeleteMessageBatchCommand') {
          for (const e of (args.input as DeleteMessageBatchCommandInput).Entries ?? [])
            events.push({ kind: 'delete', receiptHandle: e.ReceiptHandle! });
        }
        return result;
      },
      { step: 'initialize', name: 'recordForTest' },
    );
    await s3.send(new CreateBucketCommand({ Bucket: RAW_BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: LAKE_BUCKET }));
    queue = await createQueueWithDlq(sqs, 'raw-events', { maxReceiveCount: 3, visibilityTimeoutSeconds: 10 });
    // The whole bucket notifies (sending the s3:TestEvent now): keeping to raw/ is the poller's job.
    await notifyObjectCreated(s3, RAW_BUCKET, queue.queueArn);
    rawBucket = new S3ObjectStore({ bucket: RAW_BUCKET, prefix: '', client: s3 });
    lake = openObjectStore(`s3://${LAKE_BUCKET}/lake`);
    scratch = mkdtempSync(join(tmpdir(), 'loadout-sqs-'));

    temporal = await connectTemporal();
    taskQueue = uniqueTaskQueue('sqs');
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle: { codePath: temporal.workflowBundlePath },
      activities: createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog: await loadCatalog(), lake }),
    });
    running = worker.run();
    pollerClient = recordingClient(
      new Client({ connection: temporal.client.connection, namespace: temporal.namespace }),
    );
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await temporal?.close();
    s3?.destroy();
    sqs?.destroy();
    await moto?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    for (const [k, v] of Object.entries(savedEnv ?? {})) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

export function recordingClient(client: Client): Client {
  const start = client.workflow.start.bind(client.workflow);
  client.workflow.start = (async (type: string, options: { workflowId: string; args?: readonly unknown[] }) => {
    const input = options.args?.[0] as FileBatchInput;
    const record = () =>
      events.push({ kind: 'start', workflowId: options.workflowId, keys: input.objects.map((o) => o.key) });
    try {
      const handle = await start(type, options as never);
      record();
      return handle;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) record();
      throw error;
    }
  }) as unknown as typeof client.workflow.start;
  return client;
}

export function poller(overrides: Partial<SqsPollerOptions> = {}): SqsPoller {
  return new SqsPoller({
    sqs,
    queueUrl: queue.queueUrl,
    client: pollerClient,
    taskQueue,
    rawLocation: RAW_LOCATION_TYPED,
    limits: { maxObjects: 2, maxBytes: 1 << 30 },
    environment: 'test',
    waitSeconds: 0,
    ...overrides,
  });
}

/** Writes a gzip raw object of `sessions` sessions to the raw bucket (which notifies the queue). */
export async function upload(key: string, sessions: number, store: S3ObjectStore = rawBucket): Promise<WrittenRaw> {
  // A short local name: S3 keys may be far longer than a file name may.
  const local = `object-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.gz`;
  const written = writeSessionsObject(scratch, local, sessions);
  await store.write(key, readFileSync(join(scratch, local)));
  return { ...written, key };
}

export async function depth(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? NaN) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? NaN)
  );
}

/** Polls until a receive comes back empty and the queue holds nothing, in flight included. */
export async function drain(p: SqsPoller, queueUrl = queue.queueUrl, timeoutMs = 20_000): Promise<PollOutcome[]> {
  const outcomes: PollOutcome[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await p.pollOnce();
    outcomes.push(outcome);
    if (outcome.messages === 0 && (await depth(queueUrl)) === 0) return outcomes;
    if (Date.now() > deadline) throw new Error(`queue not drained in ${timeoutMs} ms: ${JSON.stringify(outcomes)}`);
  }
}

export function total(outcomes: PollOutcome[]) {
  return {
    messages: outcomes.reduce((n, o) => n + o.messages, 0),
    ignored: outcomes.reduce((n, o) => n + o.ignored, 0),
    failed: outcomes.reduce((n, o) => n + o.failed, 0),
    started: [...new Set(outcomes.flatMap((o) => o.started))],
  };
}

export function results(ids: string[]): Promise<FileBatchResult[]> {
  return Promise.all(ids.map((id) => temporal.client.workflow.getHandle(id).result() as Promise<FileBatchResult>));
}

export async function snapshot(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of lake.list(prefix))
    out[o.key] = createHash('sha256')
      .update(await lake.readBytes(o.key))
      .digest('hex');
  return out;
}

/** Raw-zone keys (relative to raw/) a message names, as the poller reads them. */
export function rawKeysOf(message: Message | undefined): string[] {
  const n = parseS3Notification(message?.Body ?? '');
  if (n.kind !== 'objects') return [];
  return n.objects
    .filter((o) => o.bucket === RAW_BUCKET && o.key.startsWith('raw/'))
    .map((o) => o.key.slice('raw/'.length))
    .filter(isRawDataKey);
}

/** Every deleted message that named raw objects was deleted after a start holding each of them was acknowledged. */
export function expectDeletesAfterStarts(): void {
  for (const [i, event] of events.entries()) {
    if (event.kind !== 'delete') continue;
    const before = events.slice(0, i).flatMap((e) => (e.kind === 'start' ? e.keys : []));
    for (const key of rawKeysOf(receivedByHandle.get(event.receiptHandle)))
      expect(before, `delete of the message for ${key}`).toContain(key);
  }
}
