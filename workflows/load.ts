/**
 * load: the tables with staged files in groups (workflows/table-groups.ts), one loadTableGroup child
 * per group, a few at a time (a sliding window), then the KPI views. Past `tablesPerRun` tables it
 * continues as new, so its history stays bounded.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { LoadoutActivities } from '../activities';
import { innermostMessage } from '../core/errors';
import { loadTable } from './load-table';
import type { FailedTableLoad, LoadFailureDetails, LoadInput, LoadResult, LoadTableResult } from './load-types';
import { loadTableGroup } from './load-table-group';
import { TABLE_GROUPS, tableGroups } from './table-groups';
import { loadTableGroupWorkflowId, loadTableWorkflowId } from './workflow-ids';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE } from './search-attributes';
import { DEFAULT_LOST_WORKER_TIMEOUT, TABLE_NON_RETRYABLE, quickActivityOptions } from './activity-options';
import { LOAD_FAILED, TABLE_GROUP_FAILED } from './failure-types';
import type { LoadTableGroupResult } from './load-table-group-types';
import { forEachBounded } from './for-each-bounded';
import { loadProgressQuery, type LoadProgress } from './load-progress';

/** Runs started before it did not stage the kept unknown records (captured histories replay so). */
const KEPT_UNKNOWN_PATCH = 'loadout-infer-kept-unknown';

/** Runs started before it ran one loadTable child per table. */
const TABLE_GROUPS_PATCH = 'load-table-groups';

/** Tables one run loaded before continuing as new, table by table: about 6 history events each. */
export const TABLES_PER_RUN = 100;
/**
 * With groups, a run's history holds a few events per group whatever its tables; what grows is the
 * result it carries (about 300 bytes a table, far under the 2 MB payload limit at this bound).
 */
export const GROUPED_TABLES_PER_RUN = 1000;

export async function load(input: LoadInput): Promise<LoadResult> {
  const { listTablesToLoad, refreshKpiViews, stageKeptUnknown } = proxyActivities<LoadoutActivities>(
    quickActivityOptions(input.lostWorkerTimeout ?? DEFAULT_LOST_WORKER_TIMEOUT, TABLE_NON_RETRYABLE),
  );
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'loading' },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
  ]);
  const progress: LoadProgress = { tables: [], running: [], loaded: [], failed: [] };
  setHandler(loadProgressQuery, () => progress);
  // Runs started before it loaded every table in one run (captured histories replay so).
  const bounded = patched('load-continue-as-new');
  const carried = bounded ? input.continued : undefined;
  // Under `infer`, unknown records kept before the switch are staged into their tables first (a
  // no-op otherwise), once: a continued run carries the tables listed after it.
  if (carried === undefined && input.tables === undefined && patched(KEPT_UNKNOWN_PATCH)) await stageKeptUnknown();
  let tables = carried?.remaining ?? (await listTablesToLoad({ tables: input.tables }));
  const results: LoadTableResult[] = [...(carried?.results ?? [])];
  const alreadyLoading: string[] = [...(carried?.alreadyLoading ?? [])];
  const failures: FailedTableLoad[] = [...(carried?.failures ?? [])];
  // Groups of tables, each merged in one warehouse session: hundreds of tables cost a few children,
  // not a child, a migration and five activities each. Runs started before it loaded table by table.
  const grouped = patched(TABLE_GROUPS_PATCH);
  const perRun = Math.max(1, input.tablesPerRun ?? (grouped ? GROUPED_TABLES_PER_RUN : TABLES_PER_RUN));
  const later = bounded ? tables.slice(perRun) : [];
  if (bounded) tables = tables.slice(0, perRun);
  progress.tables = tables;
  const limit = Math.max(1, input.maxParallel ?? (grouped ? TABLE_GROUPS : 4));
  const loadOne = async (table: string): Promise<void> => {
    progress.running.push(table);
    try {
      const result = await executeChild(loadTable, {
        workflowId: loadTableWorkflowId(input.environment, table),
        args: [{ environment: input.environment, table, lostWorkerTimeout: input.lostWorkerTimeout }],
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      results.push(result);
      const mergedRows = result.manifests.reduce((n, m) => n + m.mergedRows, 0);
      progress.loaded.push({ table, mergedRows, manifests: result.manifests.length });
    } catch (error) {
      progress.failed.push(table);
      if (error instanceof WorkflowExecutionAlreadyStartedError) alreadyLoading.push(table);
      // One table's refused change must not block the others: record it, fail at the end.
      else failures.push({ table, reason: innermostMessage(error) });
    } finally {
      progress.running.splice(progress.running.indexOf(table), 1);
    }
  };
  /** A group's outcome, completed or failed with its details: what loaded and what failed. */
  const recordGroup = (outcome: LoadTableGroupResult): void => {
    results.push(...outcome.results);
    failures.push(...outcome.failures);
    for (const result of outcome.results) {
      const mergedRows = result.manifests.reduce((n, m) => n + m.mergedRows, 0);
      progress.loaded.push({ table: result.table, mergedRows, manifests: result.manifests.length });
    }
    progress.failed.push(...outcome.failures.map((f) => f.table));
  };
  const loadGroup = async ({ group, tables: members }: { group: number; tables: string[] }): Promise<void> => {
    progress.running.push(...members);
    try {
      recordGroup(
        await executeChild(loadTableGroup, {
          workflowId: loadTableGroupWorkflowId(input.environment, group),
          args: [
            { environment: input.environment, group, tables: members, lostWorkerTimeout: input.lostWorkerTimeout },
          ],
          taskQueue: workflowInfo().taskQueue,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        }),
      );
    } catch (error) {
      const partial = groupResultOf(error);
      if (partial !== undefined) recordGroup(partial);
      else {
        progress.failed.push(...members);
        if (error instanceof WorkflowExecutionAlreadyStartedError) alreadyLoading.push(...members);
        else failures.push(...members.map((table) => ({ table, reason: innermostMessage(error) })));
      }
    } finally {
      progress.running = progress.running.filter((t) => !members.includes(t));
    }
  };
  if (grouped) await forEachBounded(tableGroups(tables), limit, loadGroup);
  // A sliding window: a slow table holds one slot, not a whole wave. Runs started before it went in waves.
  else if (patched('load-sliding-window')) await forEachBounded(tables, limit, loadOne);
  else for (let i = 0; i < tables.length; i += limit) await Promise.all(tables.slice(i, i + limit).map(loadOne));
  // Keys and counts only are carried: the next run's history starts from its input.
  if (later.length > 0)
    await continueAsNew<typeof load>({ ...input, continued: { remaining: later, results, alreadyLoading, failures } });
  const views = await refreshKpiViews();
  results.sort((a, b) => (a.table < b.table ? -1 : 1));
  if (failures.length > 0) {
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    failures.sort((a, b) => (a.table < b.table ? -1 : 1));
    const message = `load of ${failures.length} table(s) failed: ${failures.map((f) => `${f.table}: ${f.reason}`).join('; ')}`;
    // An ApplicationFailure fails the run; a plain Error would only fail the task and retry it forever.
    // Its details carry the summary, so the CLI prints the tables that loaded beside the failed ones.
    // Behind a patch: captured runs failed without them.
    if (!patched('load-failure-summary')) throw ApplicationFailure.nonRetryable(message, LOAD_FAILED);
    const details: LoadFailureDetails = { tables: results, alreadyLoading, views, failed: failures };
    throw ApplicationFailure.create({ message, type: LOAD_FAILED, nonRetryable: true, details: [details] });
  }
  upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loaded' }]);
  return { tables: results, alreadyLoading, views };
}

/** A failed group's result (its details): the tables that loaded beside those that failed. */
function groupResultOf(error: unknown): LoadTableGroupResult | undefined {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || cause.type !== TABLE_GROUP_FAILED) return undefined;
  return cause.details?.[0] as LoadTableGroupResult | undefined;
}
