/** Builds a Temporal worker with Loadout's workflows and activities over the configured stores. */
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createActivities } from '../activities';
import { StoreCache } from '../activities/store-cache';
import type { Catalog } from '../schemas/catalog';
import type { PersonalDataKeys } from '../core/personal/personal-data';
import { activityLogAttributes } from '../observability/activity-log-attributes';

const require = createRequire(import.meta.url);

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
  });
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities,
    // Batch ids, object keys, table and manifest key on every activity log line.
    interceptors: { activity: [activityLogAttributes] },
    ...(setup.workflowBundlePath
      ? { workflowBundle: { codePath: setup.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows/index.ts') }),
    ...setup.options,
  });
}
