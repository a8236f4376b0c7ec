/** Connects to Temporal (the configured cluster, or the embedded dev server) and runs a worker. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime as TemporalRuntime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { LoadoutConfig } from '../config/config-schema';
import { loadCatalog, type Catalog } from '../schemas/catalog';
import { createLoadoutWorker } from '../workers/create-worker';
import { ensureDevServer } from '../workers/dev-server';

export interface LoadoutRuntime {
  client: Client;
  catalog: Catalog;
  address: string;
  /** The Temporal UI, when Loadout started or reused the embedded dev server. */
  uiUrl?: string;
  /** Runs `work` with an in-process worker polling the task queue, then shuts the worker down. */
  withWorker<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

export async function openRuntime(config: LoadoutConfig): Promise<LoadoutRuntime> {
  if (!runtimeInstalled) {
    // The SDK's default logger writes every worker state change to stdout, which would break --json.
    TemporalRuntime.install({ logger: new DefaultLogger('WARN', (entry) => process.stderr.write(`[temporal] ${entry.level} ${entry.message}\n`)) });
    runtimeInstalled = true;
  }
  let address = config.temporal.address;
  let uiUrl: string | undefined;
  if (address === undefined) {
    const server = await ensureDevServer(config.home, config.temporal.namespace);
    address = server.address;
    uiUrl = server.uiUrl;
  }
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const catalog = await loadCatalog(config.schemas);
  let nativeConnection: NativeConnection | undefined;
  return {
    client,
    catalog,
    address,
    uiUrl,
    async withWorker<T>(work: () => Promise<T>): Promise<T> {
      nativeConnection ??= await NativeConnection.connect({ address: address! });
      const worker: Worker = await createLoadoutWorker({
        connection: nativeConnection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        catalog,
        lakeLocation: config.lake,
        warehouseUrl: config.warehouse,
        warehouseSchema: config.warehouseSchema,
        options: { maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities },
      });
      return worker.runUntil(work());
    },
    async close() {
      await connection.close();
      await nativeConnection?.close();
    },
  };
}
