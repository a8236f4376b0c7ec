/** Connects a test file to the run's Temporal dev server; each test gets its own task queue. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

export interface TemporalTestContext {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  address: string;
  workflowBundlePath: string;
  close(): Promise<void>;
}

export async function connectTemporal(): Promise<TemporalTestContext> {
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace }),
    nativeConnection,
    namespace,
    address,
    workflowBundlePath: inject('workflowBundlePath'),
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export function uniqueTaskQueue(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

/** A worker on the run's test server with the prebuilt workflow bundle and the given activities. */
export function testWorker(temporal: TemporalTestContext, taskQueue: string, activities: object): Promise<Worker> {
  return Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: { codePath: temporal.workflowBundlePath },
    activities,
  });
}
