/**
 * The activities of loadTableGroup (workflows/load-table-group.ts): a group of tables is planned
 * in one activity and merged in one warehouse session, so a load costs what its manifests cost,
 * not a round trip and a warehouse session for each of hundreds of tables. A table's data-caused
 * failure (a non-retryable ApplicationFailure) is that table's, returned as data; anything else
 * fails the attempt, and the retry finds the merges already committed in their ledgers.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createLoadsSql, insertLoadSql } from '../stores/warehouse/sql/loads-sql';
import { innermostMessage } from '../core/errors';
import {
  archiveManifest,
  mergeManifestIn,
  planTableLoad,
  type LoadDeps,
  type PlannedManifest,
} from './load-activities';
import { loadTargetOf } from './load-target';
import { withWarehouse } from './warehouse-session';
import type {
  GroupMergeInput,
  MergedManifest,
  TableMergeOutcome,
  TablePlanOutcome,
} from '../workflows/load-table-group-types';

/** Each table's manifests (planTableLoad), a table no schema declares failing alone. */
export async function planTableLoads(deps: LoadDeps, input: { tables: string[] }): Promise<TablePlanOutcome[]> {
  const out: TablePlanOutcome[] = [];
  for (const table of input.tables) {
    try {
      const manifests: PlannedManifest[] = await planTableLoad(deps, { table });
      out.push({ table, manifests: manifests.map((m) => ({ manifestKey: m.manifestKey, files: m.files })) });
    } catch (error) {
      out.push({ table, manifests: [], failed: tableFailureOf(error) });
    }
    Context.current().heartbeat({ planned: out.length });
  }
  return out;
}

/**
 * Merges each table's manifests in order, archiving each after its merge committed, then writes the
 * table's `loadout_loads` row; one warehouse session for the whole group.
 */
export async function mergeTableLoads(deps: LoadDeps, input: GroupMergeInput): Promise<TableMergeOutcome[]> {
  const context = Context.current();
  return withWarehouse(deps.warehouseUrl, async (warehouse) => {
    const out: TableMergeOutcome[] = [];
    for (const load of input.loads) {
      const manifests: MergedManifest[] = [];
      let failed: string | undefined;
      for (const manifest of load.manifests) {
        try {
          const outcome = await mergeManifestIn(deps, warehouse, {
            table: load.table,
            manifestKey: manifest.manifestKey,
          });
          const committedAt = new Date().toISOString();
          // After the merge committed: a crash here leaves the manifest unfinished, and the next
          // load finds it in the ledger (applied=false, with the rows it recorded) and archives it.
          await archiveManifest(deps, { manifestKey: manifest.manifestKey });
          manifests.push({ ...manifest, ...outcome, committedAt });
        } catch (error) {
          failed = tableFailureOf(error);
          break;
        }
        context.heartbeat({ table: load.table, manifests: manifests.length });
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
      }
      if (manifests.length > 0) {
        // The row's key names the group's run and the table: a retried attempt adds nothing.
        const schema = loadTargetOf(deps, load.table)?.schema ?? deps.warehouseSchema;
        await warehouse.runDdl([
          createLoadsSql(schema),
          insertLoadSql(schema, {
            loadId: `${input.run.loadId}/${load.table}`,
            workflowId: input.run.workflowId,
            table: load.table,
            status: failed === undefined ? 'loaded' : 'failed',
            manifests: manifests.length,
            manifestsApplied: manifests.filter((m) => m.applied).length,
            rows: manifests.reduce((sum, m) => sum + m.mergedRows, 0),
            startedAt: input.run.startedAt,
            finishedAt: new Date().toISOString(),
          }),
        ]);
      }
      out.push({ table: load.table, manifests, ...(failed === undefined ? {} : { failed }) });
    }
    return out;
  });
}

/** A data-caused failure's message, as the table's; any other error fails the attempt (a retry). */
function tableFailureOf(error: unknown): string {
  if (error instanceof ApplicationFailure && error.nonRetryable) return innermostMessage(error);
  throw error;
}
