/**
 * Discovery by notification: S3 ObjectCreated -> SQS -> this poller -> fileBatch workflows.
 * A message is deleted only after Temporal acknowledged the start of the batch holding its
 * objects; until then it is redelivered, and after the queue's maxReceiveCount it lands in the
 * dead-letter queue. Redelivery never reprocesses: batch ids derive from the objects, and
 * objects an earlier batch staged are skipped by fileBatch itself.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Client } from '@temporalio/client';
import { batchIdOf, type RawObjectRef } from '../core/batch-id';
import { fileBatchWorkflowId } from '../workflows/workflow-ids';
import { compareSequencers, parseS3Notification, type CreatedObject } from './parse-s3-notification';
import { isRawDataKey, planBatches, type BatchLimits } from '../core/plan-batches';
import type { FileBatchInput } from '../workflows/file-batch-types';
import { startFileBatch } from './start-file-batch';

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  client: Client;
  taskQueue: string;
  /** The raw zone, s3://bucket/prefix: notifications for other buckets or prefixes are ignored. */
  rawLocation: string;
  limits: BatchLimits;
  environment: string;
  /** Long-poll wait; 20 s in production, shorter in tests. */
  waitSeconds?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface PollOutcome {
  messages: number;
  started: string[];
  ignored: number;
  /** Messages left on the queue because their batch could not be started. */
  failed: number;
}

/** The SDK's standard chains (credentials, region, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS). */
export function defaultSqsClient(): SQSClient {
  return new SQSClient({});
}

/** Seconds of a production long poll (SQS's maximum). */
export const DEFAULT_WAIT_SECONDS = 20;

export class SqsPoller {
  private readonly bucket: string;
  /** '' or the prefix followed by '/'. */
  private readonly prefix: string;
  /**
   * The raw location as S3ObjectStore.location spells it (no trailing '/'): batch ids and the
   * processed-object markers hash it, so the CLI, listing discovery and this poller must agree.
   */
  readonly source: string;

  constructor(private readonly options: SqsPollerOptions) {
    const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(options.rawLocation);
    if (!m) throw new Error(`SQS discovery needs an s3://bucket/prefix raw location, not ${options.rawLocation}`);
    this.bucket = m[1]!;
    const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    this.source = prefix === '' ? `s3://${this.bucket}` : `s3://${this.bucket}/${prefix}`;
  }

  /** One receive (up to 10 messages), the starts, and the deletes. */
  async pollOnce(signal?: AbortSignal): Promise<PollOutcome> {
    const { sqs, queueUrl } = this.options;
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitSeconds ?? DEFAULT_WAIT_SECONDS,
      }),
      // Only the (long) receive is abortable: once messages are in hand, their starts and deletes finish.
      signal ? { abortSignal: signal } : {},
    );
    const messages = received.Messages ?? [];
    const outcome: PollOutcome = { messages: messages.length, started: [], ignored: 0, failed: 0 };
    const done: Message[] = [];
    const objectsOf = new Map<Message, CreatedObject[]>();
    for (const message of messages) {
      const notification = parseS3Notification(message.Body ?? '');
      const objects = notification.kind === 'objects' ? notification.objects.filter((o) => this.inRawZone(o)) : [];
      if (objects.length === 0) {
        outcome.ignored++;
        this.options.log?.('ignoring SQS message', {
          messageId: message.MessageId,
          reason: notification.kind === 'ignored' ? notification.reason : 'outside the raw zone',
        });
        done.push(message);
      } else {
        objectsOf.set(message, objects);
      }
    }
    // Batches span the whole receive; a failing start holds back exactly the messages naming one
    // of its objects. One upload can notify twice (moto: Put and CompleteMultipartUpload; S3: at
    // least once), and a key rewritten twice notifies twice: one ref per key, the latest event's.
    const latest = new Map<string, CreatedObject>();
    for (const o of [...objectsOf.values()].flat()) {
      const seen = latest.get(o.key);
      if (
        seen === undefined ||
        seen.sequencer === undefined ||
        o.sequencer === undefined ||
        compareSequencers(o.sequencer, seen.sequencer) >= 0
      ) {
        latest.set(o.key, o);
      }
    }
    // In key order: the same notifications, however SQS groups or orders them, give the same batches.
    const all: RawObjectRef[] = [...latest.values()]
      .map((o) => ({
        key: o.key.slice(this.prefix.length),
        size: o.size,
        etag: o.etag,
        ...(o.eventTime ? { modified: o.eventTime } : {}),
      }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const batches = planBatches(all, this.options.limits);
    const failedKeys = new Set<string>();
    for (const batch of batches) {
      try {
        outcome.started.push(await this.start(batch));
      } catch (error) {
        for (const o of batch) failedKeys.add(this.prefix + o.key);
        this.options.log?.('could not start a file batch; its messages stay on the queue', {
          error: (error as Error).message,
        });
      }
    }
    for (const [message, objects] of objectsOf) {
      if (objects.some((o) => failedKeys.has(o.key))) outcome.failed++;
      else done.push(message);
    }
    await this.delete(done);
    return outcome;
  }

  /**
   * Polls until `signal` aborts (which also cuts a long poll short), then resolves. Run it beside a
   * worker: `const stop = new AbortController(); const polling = poller.run(stop.signal);` and on
   * shutdown `stop.abort(); await polling;`.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) break;
        this.options.log?.('SQS receive failed; retrying in 5 s', { error: (error as Error).message });
        await abortableDelay(5000, signal);
      }
    }
  }

  private inRawZone(o: CreatedObject): boolean {
    return o.bucket === this.bucket && o.key.startsWith(this.prefix) && isRawDataKey(o.key.slice(this.prefix.length));
  }

  private async start(objects: RawObjectRef[]): Promise<string> {
    const input: FileBatchInput = { source: this.source, objects, environment: this.options.environment };
    const workflowId = fileBatchWorkflowId(batchIdOf(this.source, objects), this.options.environment);
    // A batch that exists, running or completed, is all a redelivered message asks for.
    await startFileBatch(this.options.client, workflowId, this.options.taskQueue, input);
    return workflowId;
  }

  private async delete(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      if (chunk.length === 0) continue;
      const result = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      if (result.Failed?.length) {
        this.options.log?.('some SQS deletes failed; those messages will be redelivered and skipped', {
          failed: result.Failed.length,
        });
      }
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
