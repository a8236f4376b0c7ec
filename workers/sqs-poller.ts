/**
 * Discovery by notification: S3 ObjectCreated -> SQS -> this poller -> fileBatch workflows.
 * A message is deleted only after Temporal acknowledged the start of the batch holding its
 * objects; until then it is redelivered, and after the queue's maxReceiveCount it lands in the
 * dead-letter queue. Redelivery never reprocesses: batch ids derive from the objects, and
 * objects an earlier batch staged are skipped by fileBatch itself.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { batchIdOf, fileBatchWorkflowId, type RawObjectRef } from '../core/batch-id';
import { parseS3Notification } from '../core/parse-s3-notification';
import { isRawDataKey, planBatches, type BatchLimits } from '../core/plan-batches';
import type { FileBatchInput } from '../workflows/file-batch-types';

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

export class SqsPoller {
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(private readonly options: SqsPollerOptions) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(options.rawLocation);
    if (!m) throw new Error(`SQS discovery needs an s3://bucket/prefix raw location, not ${options.rawLocation}`);
    this.bucket = m[1]!;
    this.prefix = m[2] ? (m[2].endsWith('/') ? m[2] : `${m[2]}/`) : '';
  }

  /** One receive (up to 10 messages), the starts, and the deletes. */
  async pollOnce(): Promise<PollOutcome> {
    const { sqs, queueUrl } = this.options;
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: this.options.waitSeconds ?? 20 }),
    );
    const messages = received.Messages ?? [];
    const outcome: PollOutcome = { messages: messages.length, started: [], ignored: 0, failed: 0 };
    const done: Message[] = [];
    const objectsOf = new Map<Message, RawObjectRef[]>();
    for (const message of messages) {
      const notification = parseS3Notification(message.Body ?? '');
      const objects = notification.kind === 'objects' ? notification.objects.flatMap((o) => this.toRawRef(o.bucket, o.key, o.size, o.etag)) : [];
      if (objects.length === 0) {
        outcome.ignored++;
        this.options.log?.('ignoring SQS message', { messageId: message.MessageId, reason: notification.kind === 'ignored' ? notification.reason : 'outside the raw zone' });
        done.push(message);
      } else {
        objectsOf.set(message, objects);
      }
    }
    // Batch per message group so that one failing start holds back only its own messages.
    // One upload can notify twice (S3 multipart: Put and CompleteMultipartUpload): one ref per key.
    const all = [...new Map([...objectsOf.values()].flat().map((o) => [o.key, o])).values()];
    const batches = planBatches(all, this.options.limits);
    const failedKeys = new Set<string>();
    for (const batch of batches) {
      try {
        outcome.started.push(await this.start(batch));
      } catch (error) {
        for (const o of batch) failedKeys.add(o.key);
        this.options.log?.('could not start a file batch; its messages stay on the queue', { error: (error as Error).message });
      }
    }
    for (const [message, objects] of objectsOf) {
      if (objects.some((o) => failedKeys.has(o.key))) outcome.failed++;
      else done.push(message);
    }
    await this.delete(done);
    return outcome;
  }

  /** Polls until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.options.log?.('SQS receive failed; retrying in 5 s', { error: (error as Error).message });
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  }

  private toRawRef(bucket: string, key: string, size: number, etag: string): RawObjectRef[] {
    if (bucket !== this.bucket || !key.startsWith(this.prefix)) return [];
    const relative = key.slice(this.prefix.length);
    return isRawDataKey(relative) ? [{ key: relative, size, etag }] : [];
  }

  private async start(objects: RawObjectRef[]): Promise<string> {
    const input: FileBatchInput = { source: this.options.rawLocation, objects, environment: this.options.environment };
    const workflowId = fileBatchWorkflowId(batchIdOf(this.options.rawLocation, objects));
    try {
      await this.options.client.workflow.start('fileBatch', {
        workflowId,
        taskQueue: this.options.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
    } catch (error) {
      // Already ran to completion: the batch exists, which is all a redelivered message asks.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
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
        this.options.log?.('some SQS deletes failed; those messages will be redelivered and skipped', { failed: result.Failed.length });
      }
    }
  }
}
