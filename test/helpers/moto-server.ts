/** Starts a real moto server (S3, SQS, S3 -> SQS notifications) for a test file, and clients for it. */
import { PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's own venv (scripts/ensure-tools.mjs), not whatever moto is on PATH. */
export const MOTO_SERVER = join(fileURLToPath(new URL('../..', import.meta.url)), '.tools', 'bin', 'moto_server');
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Defaults to the project's MOTO_SERVER. */
  executable?: string;
  timeoutMs?: number;
}

/** Fails (never skips) when moto is missing: the S3 adapter must be tested for real. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const executable = options.executable ?? MOTO_SERVER;
  const timeoutMs = options.timeoutMs ?? 20_000;
  if (!existsSync(executable)) {
    throw new Error(`moto is not installed: ${executable} is missing; run \`node scripts/ensure-tools.mjs\``);
  }
  // Port 0: the server picks a free port and prints it, so two test files never race for one.
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // An orphaned server would outlive a crashed test fork; the listener goes away in stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`moto did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${executable}: ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`moto exited with code ${code}:\n${output}`));
      });
    });
    // Keep draining its request log, or a full pipe would block the server.
    child.stdout.resume();
    child.stderr.resume();
    await waitUntilAnswering(endpoint, timeoutMs);
    return {
      endpoint,
      async stop() {
        process.removeListener('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // moto's own status endpoint: any answer means the WSGI app is serving.
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`moto at ${endpoint} does not answer: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** An S3 client for moto: path style, since 127.0.0.1 has no bucket subdomains. */
export function motoS3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
}

export function motoSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: REGION, credentials: CREDENTIALS });
}

/** Environment variables that point the SDK's default chains at moto (for code that builds its own clients). */
export function motoEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
}

export interface QueueWithDlq {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** A queue whose messages move to `<name>-dlq` after maxReceiveCount receives without a delete. */
export async function createQueueWithDlq(
  sqs: SQSClient,
  name: string,
  options: { maxReceiveCount: number; visibilityTimeoutSeconds: number },
): Promise<QueueWithDlq> {
  const dlqUrl = await createQueue(sqs, `${name}-dlq`, {});
  const dlqArn = await queueArn(sqs, dlqUrl);
  const queueUrl = await createQueue(sqs, name, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount }),
  });
  return { queueUrl, queueArn: await queueArn(sqs, queueUrl), dlqUrl, dlqArn };
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  return QueueUrl;
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`no QueueArn for ${queueUrl}`);
  return arn;
}

/** Sends every s3:ObjectCreated:* event of the bucket (optionally under a key prefix) to the queue. */
export async function notifyObjectCreated(
  s3: S3Client,
  bucket: string,
  queueArnValue: string,
  prefix?: string,
): Promise<void> {
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Id: 'loadout-object-created',
            QueueArn: queueArnValue,
            Events: ['s3:ObjectCreated:*'],
            ...(prefix ? { Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } } } : {}),
          },
        ],
      },
    }),
  );
}
