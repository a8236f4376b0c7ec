/**
 * The SQS poller against real moto S3 -> SQS notifications and a real Temporal dev server: batches
 * started and staged, messages deleted only after the starts, junk ignored, redelivery never
 * reprocessing, unstartable batches dead-lettered, long keys kept out of workflow ids.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  DeleteMessageCommand,
  type DeleteMessageBatchCommandInput,
  type Message,
  type ReceiveMessageCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { batchIdOf, objectMarkerKey } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
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
} from '../helpers/moto-server';
import { writeSessionsObject, type WrittenRaw } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

const RAW_BUCKET = 'loadout-raw';
const LAKE_BUCKET = 'loadout-lake';
/** As a user might type it, trailing slash included: the poller must still name batches as S3ObjectStore.location does. */
const RAW_LOCATION_TYPED = `s3://${RAW_BUCKET}/raw/`;
const RAW_LOCATION = `s3://${RAW_BUCKET}/raw`;

let moto: MotoServer;
let s3: S3Client;
let sqs: SQSClient;
let savedEnv: Record<string, string | undefined>;
let temporal: TemporalTestContext;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;
let lake: ObjectStore;
let rawBucket: S3ObjectStore;
let queue: QueueWithDlq;
let scratch: string;
/** The poller's client: the real one, with every acknowledged start recorded. */
let pollerClient: Client;

/** What happened, in order: acknowledged starts (with their objects) and deletes (with the keys their messages named). */
const events: Array<{ kind: 'start'; workflowId: string; keys: string[] } | { kind: 'delete'; receiptHandle: string }> =
  [];
/** Every message any receive returned, by receipt handle. */
const receivedByHandle = new Map<string, Message>();

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
    activities: createActivities({ catalog: await loadCatalog(), lake }),
  });
  running = worker.run();
  pollerClient = recordingClient(new Client({ connection: temporal.client.connection, namespace: temporal.namespace }));
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

function recordingClient(client: Client): Client {
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

function poller(overrides: Partial<SqsPollerOptions> = {}): SqsPoller {
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
async function upload(key: string, sessions: number, store: S3ObjectStore = rawBucket): Promise<WrittenRaw> {
  // A short local name: S3 keys may be far longer than a file name may.
  const local = `object-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.gz`;
  const written = writeSessionsObject(scratch, local, sessions);
  await store.write(key, readFileSync(join(scratch, local)));
  return { ...written, key };
}

async function depth(queueUrl: string): Promise<number> {
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
async function drain(p: SqsPoller, queueUrl = queue.queueUrl, timeoutMs = 20_000): Promise<PollOutcome[]> {
  const outcomes: PollOutcome[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await p.pollOnce();
    outcomes.push(outcome);
    if (outcome.messages === 0 && (await depth(queueUrl)) === 0) return outcomes;
    if (Date.now() > deadline) throw new Error(`queue not drained in ${timeoutMs} ms: ${JSON.stringify(outcomes)}`);
  }
}

function total(outcomes: PollOutcome[]) {
  return {
    messages: outcomes.reduce((n, o) => n + o.messages, 0),
    ignored: outcomes.reduce((n, o) => n + o.ignored, 0),
    failed: outcomes.reduce((n, o) => n + o.failed, 0),
    started: [...new Set(outcomes.flatMap((o) => o.started))],
  };
}

function results(ids: string[]): Promise<FileBatchResult[]> {
  return Promise.all(ids.map((id) => temporal.client.workflow.getHandle(id).result() as Promise<FileBatchResult>));
}

async function snapshot(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const o of lake.list(prefix))
    out[o.key] = createHash('sha256')
      .update(await lake.readBytes(o.key))
      .digest('hex');
  return out;
}

/** Raw-zone keys (relative to raw/) a message names, as the poller reads them. */
function rawKeysOf(message: Message | undefined): string[] {
  const n = parseS3Notification(message?.Body ?? '');
  if (n.kind !== 'objects') return [];
  return n.objects
    .filter((o) => o.bucket === RAW_BUCKET && o.key.startsWith('raw/'))
    .map((o) => o.key.slice('raw/'.length))
    .filter(isRawDataKey);
}

/** Every deleted message that named raw objects was deleted after a start holding each of them was acknowledged. */
function expectDeletesAfterStarts(): void {
  for (const [i, event] of events.entries()) {
    if (event.kind !== 'delete') continue;
    const before = events.slice(0, i).flatMap((e) => (e.kind === 'start' ? e.keys : []));
    for (const key of rawKeysOf(receivedByHandle.get(event.receiptHandle)))
      expect(before, `delete of the message for ${key}`).toContain(key);
  }
}

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

  // Before the abort test: moto keeps serving an aborted long poll, which would take this test's first message.
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

  test('run() polls until aborted, and the abort cuts a 20 s long poll short', async () => {
    const stop = new AbortController();
    const logged: string[] = [];
    const polling = poller({ waitSeconds: 20, log: (m) => logged.push(m) }).run(stop.signal);
    await upload('raw/2026/11/22/13/e.gz', 2);
    const deadline = Date.now() + 15_000;
    while ((await lake.head(objectMarkerKey(RAW_LOCATION, '2026/11/22/13/e.gz'))) === undefined) {
      if (Date.now() > deadline) throw new Error('the running poller did not process e.gz');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Now it sits in a long poll of an empty queue.
    await new Promise((r) => setTimeout(r, 300));
    const aborted = Date.now();
    stop.abort();
    await polling;
    expect(Date.now() - aborted).toBeLessThan(2_000);
    expect(logged.filter((m) => m.includes('failed'))).toEqual([]);
    expect(await depth(queue.queueUrl)).toBe(0);
  });
});
