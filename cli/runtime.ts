/** Connects to Temporal (the configured cluster, or the embedded dev server) and runs a worker. */
import { Client, Connection } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { NativeConnection, Runtime as TemporalRuntime, type Worker } from '@temporalio/worker';
import { HISTOGRAM_BUCKETS } from '../activities/metrics';
import type { LoadoutConfig } from '../config/config-schema';
import { loadCatalog, type Catalog } from '../schemas/catalog';
import { createLoadoutWorker } from '../workers/create-worker';
import { openPersonalKeys } from '../stores/keys/open-personal-keys';
import { ensureDevServer } from '../workers/dev-server';
import { createLogger, defaultLogFormat } from '../workers/logging';

export interface LoadoutRuntime {
  client: Client;
  catalog: Catalog;
  address: string;
  /** The Temporal UI, when Loadout started or reused the embedded dev server. */
  uiUrl?: string;
  /** Prometheus metrics of this process's worker, when served. */
  metricsUrl?: string;
  /** The process's logger (the Temporal Runtime's): stderr, in the configured format. */
  log: Logger;
  /** Runs `work` with an in-process worker polling the task queue, then shuts the worker down. */
  withWorker<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /**
   * A long-running worker (`loadout worker`, `loadout dev`): logs at INFO, and serves /metrics when
   * a metrics port is configured. Other commands log warnings only and never bind the port.
   */
  serving?: boolean;
}

let metricsUrl: string | undefined;
let runtimeInstalled = false;

/** The Temporal Runtime is one per process and fixed at its first use: its logger and metrics exporter. */
function installRuntime(config: LoadoutConfig, serving: boolean): void {
  if (runtimeInstalled) return;
  const port = serving ? config.worker.metricsPort : undefined;
  TemporalRuntime.install({
    // stderr only (the SDK's default logger writes to stdout, which would break --json).
    logger: createLogger(config.logFormat ?? defaultLogFormat(), serving ? 'INFO' : 'WARN'),
    ...(port === undefined ? {} : {
      telemetryOptions: {
        metrics: {
          globalTags: { environment: config.env },
          prometheus: { bindAddress: `0.0.0.0:${port}`, countersTotalSuffix: true, useSecondsForDurations: true, histogramBucketOverrides: HISTOGRAM_BUCKETS },
        },
      },
    }),
  });
  runtimeInstalled = true;
  if (port !== undefined) metricsUrl = `http://127.0.0.1:${port}/metrics`;
}

export async function openRuntime(config: LoadoutConfig, options: RuntimeOptions = {}): Promise<LoadoutRuntime> {
  installRuntime(config, options.serving ?? false);
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
    metricsUrl,
    log: TemporalRuntime.instance().logger,
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
        personalKeys: (await openPersonalKeys(config)).personal,
        observe: { metrics: metricsUrl !== undefined },
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
