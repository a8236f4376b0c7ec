/** Builds a Temporal worker with Loadout's workflows and activities over the configured stores. */
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { createActivities } from '../activities';
import { StoreCache } from '../activities/store-cache';
import type { Catalog } from '../schemas/catalog';
import type { PersonalDataKeys } from '../core/personal/personal-data';
import { activityLogAttributes } from '../observability/activity-log-attributes';
import { buildWorkflowBundle } from './workflow-bundle';

/**
 * How long a long-running worker (`loadout worker`, `loadout dev`) lets in-flight batches and merges
 * finish after SIGTERM before cancelling them (a cancelled attempt is retried elsewhere, from the
 * start). Under Kubernetes' default 30 s termination grace, with room for the process to exit.
 */
export const SHUTDOWN_GRACE = '20s';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  catalog: Catalog;
  lakeLocation: string;
  warehouseUrl: string;
  warehouseSchema: string;
  /** The key ring's keys (stores/keys/open-personal-keys.ts). */
  personalKeys: PersonalDataKeys;
  /** Threads running batches' processing core (workers/batch-threads/); default one per core; 0: none. */
  batchThreads?: number;
  /** A prebuilt bundle (production) instead of bundling workflows/ at start (development). */
  workflowBundlePath?: string;
  /** Log each batch's and merge's outcome; record Loadout's metrics when the Runtime exports them. */
  observe?: { metrics: boolean };
  options?: Partial<WorkerOptions>;
}

export async function createLoadoutWorker(setup: WorkerSetup): Promise<Worker> {
  if (setup.workflowBundlePath !== undefined && !existsSync(setup.workflowBundlePath)) {
    throw new Error(
      `no workflow bundle at ${setup.workflowBundlePath}: build it with npm run build:workflows, or unset LOADOUT_WORKFLOW_BUNDLE to bundle at start`,
    );
  }
  const stores = new StoreCache();
  const activities = createActivities({
    catalog: setup.catalog,
    lake: stores.open(setup.lakeLocation),
    stores,
    warehouseUrl: setup.warehouseUrl,
    warehouseSchema: setup.warehouseSchema,
    observe: setup.observe,
    personalKeys: setup.personalKeys,
    batchThreads: setup.batchThreads,
  });
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities,
    // Batch ids, object keys, table and manifest key on every activity log line.
    interceptors: { activity: [activityLogAttributes] },
    // Bundled here rather than through workflowsPath: the same code, without webpack's statistics on the log.
    workflowBundle: setup.workflowBundlePath ? { codePath: setup.workflowBundlePath } : { code: await bundleOnce() },
    ...setup.options,
  });
}

let bundled: Promise<string> | undefined;

/** One bundle per process: `loadout run` and the tests start several workers from the same code. */
function bundleOnce(): Promise<string> {
  bundled ??= buildWorkflowBundle().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}
