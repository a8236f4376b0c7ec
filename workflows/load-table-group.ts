/**
 * loadTableGroup: a group of tables (workflows/table-groups.ts) loaded together: their manifests
 * planned in one activity, one schemaMigration child for the tables whose plan is not empty, then
 * every manifest merged and archived in one warehouse session. A table's refused migration or
 * refused merge fails that table alone; the result names it, and the parent load fails at its end.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoadoutActivities } from '../activities';
import { innermostMessage } from '../core/errors';
import type { FailedTableLoad, LoadTableResult } from './load-types';
import type { LoadTableGroupInput, LoadTableGroupResult, TablePlanOutcome } from './load-table-group-types';
import { schemaMigration } from './schema-migration';
import {
  DEFAULT_LOST_WORKER_TIMEOUT,
  LOAD_TABLE_NON_RETRYABLE,
  mergeActivityOptions,
  quickActivityOptions,
} from './activity-options';
import { REFUSED_MIGRATION, TABLE_GROUP_FAILED } from './failure-types';
import {
  addedColumns,
  createdTable,
  refusalMessage,
  type SchemaMigrationResult,
  type TableMigration,
} from './schema-migration-types';
import { groupMigrationWorkflowId } from './workflow-ids';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE, LOADOUT_TABLES } from './search-attributes';
import { searchAttributeTables } from './search-attribute-values';

export async function loadTableGroup(input: LoadTableGroupInput): Promise<LoadTableGroupResult> {
  const heartbeatTimeout = input.lostWorkerTimeout ?? DEFAULT_LOST_WORKER_TIMEOUT;
  const quick = proxyActivities<LoadoutActivities>(quickActivityOptions(heartbeatTimeout, LOAD_TABLE_NON_RETRYABLE));
  const long = proxyActivities<LoadoutActivities>(mergeActivityOptions(heartbeatTimeout, LOAD_TABLE_NON_RETRYABLE));
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'loading' },
    { key: LOADOUT_TABLES, value: searchAttributeTables(input.tables) },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
  ]);
  const failures: FailedTableLoad[] = [];
  const plans = await quick.planTableLoads({ tables: input.tables });
  for (const plan of plans) if (plan.failed !== undefined) failures.push({ table: plan.table, reason: plan.failed });
  const waiting = plans.filter((p) => p.failed === undefined && p.manifests.length > 0);
  const migrated = await migrate(
    input,
    waiting.map((p) => p.table),
    quick,
  );
  failures.push(...migrated.failures);
  const mergeable = waiting.filter((p) => !migrated.failures.some((f) => f.table === p.table));
  const info = workflowInfo();
  const merged =
    mergeable.length === 0
      ? []
      : await long.mergeTableLoads({
          loads: mergeable.map((p) => ({ table: p.table, manifests: p.manifests })),
          run: {
            loadId: `${info.workflowId}/${info.runId}`,
            workflowId: info.parent?.workflowId ?? info.workflowId,
            startedAt: info.runStartTime.toISOString(),
          },
        });
  const results: LoadTableResult[] = [];
  for (const plan of plans) {
    if (plan.failed !== undefined || migrated.failures.some((f) => f.table === plan.table)) continue;
    const outcome = merged.find((m) => m.table === plan.table);
    if (outcome?.failed !== undefined) failures.push({ table: plan.table, reason: outcome.failed });
    else results.push(tableResult(plan, migrated.tables, outcome?.manifests ?? []));
  }
  if (failures.length > 0) {
    // Failed, so the UI shows which group and why; the details carry what loaded beside it.
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    const result: LoadTableGroupResult = { results, failures };
    throw ApplicationFailure.create({
      message: `${failures.length} table(s) failed: ${failures.map((f) => `${f.table}: ${f.reason}`).join('; ')}`,
      type: TABLE_GROUP_FAILED,
      nonRetryable: true,
      details: [result],
    });
  }
  upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loaded' }]);
  return { results, failures };
}

function tableResult(
  plan: TablePlanOutcome,
  migrations: readonly TableMigration[],
  manifests: LoadTableResult['manifests'],
): LoadTableResult {
  const applied = migrations.find((t) => t.table === plan.table)?.applied ?? [];
  return {
    table: plan.table,
    created: createdTable(applied),
    addedColumns: addedColumns(applied),
    manifests: manifests.map((m) => ({
      manifestKey: m.manifestKey,
      files: m.files,
      applied: m.applied,
      mergedRows: m.mergedRows,
      seconds: m.seconds,
    })),
  };
}

/**
 * One schemaMigration child for the group's tables whose plan is not empty. It migrates every table
 * that refuses nothing before it fails for those that do: only those fail here.
 */
async function migrate(
  input: LoadTableGroupInput,
  tables: string[],
  activities: Pick<LoadoutActivities, 'planMigration'>,
): Promise<{ tables: TableMigration[]; failures: FailedTableLoad[] }> {
  if (tables.length === 0) return { tables: [], failures: [] };
  const plans = await activities.planMigration({ tables });
  const changing = plans.filter((p) => p.changes.length > 0 || p.refused.length > 0).map((p) => p.table);
  if (changing.length === 0) return { tables: [], failures: [] };
  try {
    const result = await executeChild(schemaMigration, {
      workflowId: groupMigrationWorkflowId(input.environment, input.group),
      args: [
        { environment: input.environment, tables: changing, apply: true, lostWorkerTimeout: input.lostWorkerTimeout },
      ],
      taskQueue: workflowInfo().taskQueue,
    });
    return { tables: result.tables, failures: [] };
  } catch (error) {
    const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
    const refused = cause instanceof ApplicationFailure && cause.type === REFUSED_MIGRATION;
    const result = refused ? (cause.details?.[0] as SchemaMigrationResult | undefined) : undefined;
    if (result === undefined) {
      // Not a refusal (its activities ran out of retries): every table it was to migrate fails.
      return { tables: [], failures: changing.map((table) => ({ table, reason: innermostMessage(error) })) };
    }
    const failures = result.tables
      .filter((t) => t.plan.refused.length > 0)
      .map((t) => ({ table: t.table, reason: refusalMessage([t.plan]) }));
    return { tables: result.tables, failures };
  }
}
