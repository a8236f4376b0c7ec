/**
 * loadTable: manifests of one table's staged files -> a schemaMigration child when the table or a
 * column is missing -> COPY, merge with a ledger row -> archive.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  patched,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoadoutActivities } from '../activities';
import type { LoadTableInput, LoadTableResult, ManifestLoad } from './load-types';
import type { TableLoadRow } from '../stores/warehouse/sql/loads-sql';
import { schemaMigration } from './schema-migration';
import {
  DEFAULT_LOST_WORKER_TIMEOUT,
  LOAD_TABLE_NON_RETRYABLE,
  mergeActivityOptions,
  quickActivityOptions,
} from './activity-options';
import { REFUSED_MIGRATION } from './failure-types';
import { addedColumns, createdTable } from './schema-migration-types';
import { tableMigrationWorkflowId } from './workflow-ids';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE, LOADOUT_TABLES } from './search-attributes';

/** Runs started before the schemaMigration child call prepareTable instead (captured histories replay so). */
const MIGRATION_CHILD_PATCH = 'loadout-schema-migration-child';
/** Runs started before `loadout_loads` existed write no row there. */
const LOADS_ROW_PATCH = 'loadout-loads-row';

export async function loadTable(input: LoadTableInput): Promise<LoadTableResult> {
  // Every activity heartbeats, so a killed worker's work is retried after lostWorkerTimeout.
  const heartbeatTimeout = input.lostWorkerTimeout ?? DEFAULT_LOST_WORKER_TIMEOUT;
  const quick = proxyActivities<LoadoutActivities>(quickActivityOptions(heartbeatTimeout, LOAD_TABLE_NON_RETRYABLE));
  const long = proxyActivities<LoadoutActivities>(mergeActivityOptions(heartbeatTimeout, LOAD_TABLE_NON_RETRYABLE));
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'loading' },
    { key: LOADOUT_TABLES, value: [input.table] },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
  ]);
  const loads: ManifestLoad[] = [];
  try {
    const manifests = await quick.planTableLoad({ table: input.table });
    if (manifests.length === 0) {
      upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loaded' }]);
      return { table: input.table, created: false, addedColumns: [], manifests: [] };
    }
    const prepared = patched(MIGRATION_CHILD_PATCH)
      ? await migrate(input, quick)
      : await quick.prepareTable({ table: input.table });
    for (const manifest of manifests) {
      const outcome = await long.mergeManifest({ table: input.table, manifestKey: manifest.manifestKey });
      // After the merge committed: a crash here leaves the manifest unfinished, and the next load
      // finds it, sees it in the ledger (applied=false, with the rows it recorded) and archives its files.
      await long.archiveManifest({ manifestKey: manifest.manifestKey });
      loads.push({
        manifestKey: manifest.manifestKey,
        files: manifest.files,
        applied: outcome.applied,
        mergedRows: outcome.mergedRows,
        seconds: outcome.seconds,
      });
    }
    if (patched(LOADS_ROW_PATCH)) await quick.recordTableLoad(tableLoadRow(input.table, 'loaded', loads));
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loaded' }]);
    return { table: input.table, created: prepared.created, addedColumns: prepared.addedColumns, manifests: loads };
  } catch (error) {
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    // The manifests merged before the failure are archived: no later load sees them, so this run's row counts them.
    if (loads.length > 0 && patched(LOADS_ROW_PATCH)) {
      await quick.recordTableLoad(tableLoadRow(input.table, 'failed', loads)).catch(() => undefined);
    }
    throw error;
  }
}

/** This run's `loadout_loads` row (stores/warehouse/sql/loads-sql.ts): keys, counts and times only. */
function tableLoadRow(table: string, status: 'loaded' | 'failed', loads: readonly ManifestLoad[]): TableLoadRow {
  const info = workflowInfo();
  return {
    loadId: `${info.workflowId}/${info.runId}`,
    workflowId: info.parent?.workflowId ?? info.workflowId,
    table,
    status,
    manifests: loads.length,
    manifestsApplied: loads.filter((l) => l.applied).length,
    rows: loads.reduce((sum, l) => sum + l.mergedRows, 0),
    startedAt: info.runStartTime.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

/** A schemaMigration child when this table's plan is not empty; a refusal fails this table's load only. */
async function migrate(
  input: LoadTableInput,
  activities: Pick<LoadoutActivities, 'planMigration'>,
): Promise<{ created: boolean; addedColumns: string[] }> {
  const [plan] = await activities.planMigration({ tables: [input.table] });
  if (plan === undefined || (plan.changes.length === 0 && plan.refused.length === 0))
    return { created: false, addedColumns: [] };
  try {
    const result = await executeChild(schemaMigration, {
      workflowId: tableMigrationWorkflowId(input.environment, input.table),
      args: [
        {
          environment: input.environment,
          tables: [input.table],
          apply: true,
          lostWorkerTimeout: input.lostWorkerTimeout,
        },
      ],
      taskQueue: workflowInfo().taskQueue,
    });
    const applied = result.tables.flatMap((t) => t.applied);
    return { created: createdTable(applied), addedColumns: addedColumns(applied) };
  } catch (error) {
    // Surface the child's plan as this workflow's own failure, so the load's message carries it.
    if (
      error instanceof ChildWorkflowFailure &&
      error.cause instanceof ApplicationFailure &&
      error.cause.type === REFUSED_MIGRATION
    ) {
      throw ApplicationFailure.create({
        message: error.cause.message,
        type: REFUSED_MIGRATION,
        nonRetryable: true,
        details: error.cause.details ?? [],
      });
    }
    throw error;
  }
}
