/**
 * Worker processes beside `loadout run`'s own (`--workers N`): each runs batches on its own batch
 * threads (workers/batch-threads/), for more cores or machines than one process uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadoutConfig } from '../config/config-schema';

const BIN = fileURLToPath(new URL('../bin/loadout.js', import.meta.url));

export interface ExtraWorkers {
  /** SIGTERM, then waits for each to exit (they finish in-flight work first: every write is idempotent anyway). */
  stop(): Promise<void>;
}

/**
 * `count` `loadout worker` processes with this run's resolved settings, on the Temporal server the
 * run uses. Their log lines are dropped: a failed batch is reported by the run from its workflow.
 */
export function startExtraWorkers(
  count: number,
  config: LoadoutConfig,
  temporal: { address: string; namespace: string },
): ExtraWorkers {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOADOUT_ENV: config.env,
    LOADOUT_HOME: config.home,
    LOADOUT_RAW: config.raw,
    LOADOUT_LAKE: config.lake,
    LOADOUT_WAREHOUSE: config.warehouse,
    LOADOUT_WAREHOUSE_SCHEMA: config.warehouseSchema,
    LOADOUT_SCHEMAS: config.schemas,
    LOADOUT_LOAD_EVERY: config.loadEvery,
    LOADOUT_TASK_QUEUE: config.temporal.taskQueue,
    LOADOUT_WORKER_CONCURRENCY: String(config.worker.maxConcurrentActivities),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    ...(config.temporal.profile ? { TEMPORAL_PROFILE: config.temporal.profile } : {}),
    ...(config.temporal.configFile ? { TEMPORAL_CONFIG_FILE: config.temporal.configFile } : {}),
    ...(config.worker.workflowBundle ? { LOADOUT_WORKFLOW_BUNDLE: config.worker.workflowBundle } : {}),
    ...(config.worker.batchThreads === undefined ? {} : { LOADOUT_BATCH_THREADS: String(config.worker.batchThreads) }),
  };
  // Never a metrics port: it is this process's (and would collide).
  delete env.LOADOUT_METRICS_PORT;
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++)
    children.push(spawn(process.execPath, [BIN, 'worker'], { env, stdio: ['ignore', 'ignore', 'ignore'] }));
  return {
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
