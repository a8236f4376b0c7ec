/** Connects to Temporal (the configured cluster, or the embedded dev server) and runs a worker. */
import { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { type NativeConnection, Runtime as TemporalRuntime, type Worker } from '@temporalio/worker';
import { join } from 'node:path';
import { HISTOGRAM_BUCKETS } from '../observability/metrics';
import type { LoadoutConfig } from '../config/config-schema';
import { loadCatalog, type Catalog } from '../schemas/catalog';
import { createLoadoutWorker, SHUTDOWN_GRACE } from '../workers/create-worker';
import { openPersonalKeys } from '../stores/keys/open-personal-keys';
import { ensureDevServer } from '../workers/dev-server';
import { createLogger, defaultLogFormat } from '../observability/logging';
import { connectClient, connectWorker } from '../workers/temporal-connection';
import { resolveTemporalTarget, type TemporalAuth } from '../workers/temporal-target';
import { cachedWorkflowBundle } from '../workers/workflow-bundle-cache';
import { notice } from './status-line';
import { isVerbose } from './verbosity';

export interface LoadoutRuntime {
  client: Client;
  catalog: Catalog;
  address: string;
  /** The namespace in use: Loadout's setting, else the Temporal profile's, else `default`. */
  namespace: string;
  /** How the connection authenticates (never the credentials). */
  auth: TemporalAuth;
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
    // A command's own worker: its summary reports quarantined objects and failures, so the
    // worker's warnings (each with a stack trace) are shown only with --verbose.
    logger: createLogger(config.logFormat ?? defaultLogFormat(), serving || isVerbose() ? 'INFO' : 'ERROR'),
    ...(port === undefined
      ? {}
      : {
          telemetryOptions: {
            metrics: {
              globalTags: { environment: config.env },
              prometheus: {
                bindAddress: `0.0.0.0:${port}`,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
                histogramBucketOverrides: HISTOGRAM_BUCKETS,
              },
            },
          },
        }),
  });
  runtimeInstalled = true;
  if (port !== undefined) metricsUrl = `http://127.0.0.1:${port}/metrics`;
}

export async function openRuntime(config: LoadoutConfig, options: RuntimeOptions = {}): Promise<LoadoutRuntime> {
  installRuntime(config, options.serving ?? false);
  // Temporal's environment configuration (TOML profile, TEMPORAL_* variables) under Loadout's flags.
  const target = resolveTemporalTarget(config.temporal);
  const namespace = target.namespace;
  let address = target.address;
  let uiUrl: string | undefined;
  if (address === undefined) {
    const server = await ensureDevServer(config.home, namespace, () =>
      notice(`starting the Temporal dev server under ${config.home} (it keeps running for the next commands)`),
    );
    address = server.address;
    uiUrl = server.uiUrl;
  }
  const connection = await connectClient(target, address);
  const client = new Client({ connection, namespace });
  const catalog = await loadCatalog(config.schemas, { evolution: config.evolution });
  let nativeConnection: NativeConnection | undefined;
  return {
    client,
    catalog,
    address,
    namespace,
    auth: target.auth,
    uiUrl,
    metricsUrl,
    log: TemporalRuntime.instance().logger,
    async withWorker<T>(work: () => Promise<T>): Promise<T> {
      nativeConnection ??= await connectWorker(target, address!);
      // A prebuilt bundle when configured, else the one cached under LOADOUT_HOME (bundled when sources changed).
      const workflowBundlePath =
        config.worker.workflowBundle ??
        (
          await cachedWorkflowBundle({
            dir: join(config.home, 'cache', 'workflow-bundle'),
            onBuild: options.serving ? undefined : () => notice('bundling the workflows'),
          })
        ).path;
      const worker: Worker = await createLoadoutWorker({
        connection: nativeConnection,
        namespace,
        taskQueue: config.temporal.taskQueue,
        catalog,
        lakeLocation: config.lake,
        warehouseUrl: config.warehouse,
        warehouseSchema: config.warehouseSchema,
        workflowBundlePath,
        personalKeys: (await openPersonalKeys(config)).personal,
        batchThreads: config.worker.batchThreads,
        observe: { metrics: metricsUrl !== undefined },
        options: {
          maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
          ...(options.serving ? { shutdownGraceTime: SHUTDOWN_GRACE } : {}),
        },
      });
      return worker.runUntil(work());
    },
    async close() {
      await connection.close();
      await nativeConnection?.close();
    },
  };
}
