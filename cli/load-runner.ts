/** Starts a `load` workflow and waits for it; reads table row counts from the warehouse. */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { LoadoutConfig } from '../config/config-schema';
import { innermostMessage } from '../core/errors';
import type { Catalog } from '../schemas/catalog';
import { qualified } from '../stores/warehouse/sql/identifiers';
import { openWarehouse } from '../stores/warehouse/open-warehouse';
import type { FailedTableLoad, LoadFailureDetails, LoadInput, LoadResult } from '../workflows/load-types';
import { load } from '../workflows/load';
import { loadRunWorkflowId } from '../workflows/workflow-ids';
import { LOAD_FAILED } from '../workflows/failure-types';
import { watchLoadProgress } from './load-progress-view';
import type { StatusLine } from './status-line';

/** A load's result, with the tables that failed (the load workflow then failed, after the others loaded). */
export interface LoadOutcome extends LoadResult {
  failed: FailedTableLoad[];
}

/**
 * `reason` names what the load follows (a run's batches, an operator's request), for its id.
 * A load that failed on some tables resolves with them in `failed`, beside the tables that loaded;
 * any other failure rejects.
 */
export async function runLoad(
  client: Client,
  config: LoadoutConfig,
  reason: string,
  tables?: string[],
  progress?: StatusLine,
): Promise<LoadOutcome> {
  const input: LoadInput = { environment: config.env, tables };
  const workflowId = loadRunWorkflowId(
    config.env,
    createHash('sha256')
      .update(reason)
      .update(JSON.stringify(tables ?? null))
      .digest('hex')
      .slice(0, 24),
  );
  const handle = await client.workflow.start(load, {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [input],
    // Loads are idempotent (ledger), so the same id may run again after completing.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  const stopWatching = progress?.enabled ? watchLoadProgress(handle, progress) : undefined;
  try {
    return { ...((await handle.result()) as LoadResult), failed: [] };
  } catch (error) {
    const details = loadFailureDetailsOf(error);
    if (details !== undefined) return details;
    // "Workflow execution failed" says nothing: the innermost cause names the fault.
    throw error instanceof WorkflowFailedError
      ? new Error(`load ${workflowId} failed: ${innermostMessage(error)}`)
      : error;
  } finally {
    stopWatching?.();
  }
}

function loadFailureDetailsOf(error: unknown): LoadFailureDetails | undefined {
  if (
    !(error instanceof WorkflowFailedError) ||
    !(error.cause instanceof ApplicationFailure) ||
    error.cause.type !== LOAD_FAILED
  )
    return undefined;
  const details = error.cause.details?.[0] as LoadFailureDetails | undefined;
  return details && Array.isArray(details.failed) ? details : undefined;
}

/** Rows now in each declared table that exists in the warehouse. */
export async function warehouseRowCounts(config: LoadoutConfig, catalog: Catalog): Promise<Record<string, number>> {
  const warehouse = await openWarehouse(config.warehouse);
  try {
    const counts: Record<string, number> = {};
    for (const table of catalog.tables) {
      if (!(await warehouse.describeTable(config.warehouseSchema, table))) continue;
      const rows = await warehouse.query(`SELECT COUNT(*) AS n FROM ${qualified(config.warehouseSchema, table)}`);
      counts[table] = Number(rows[0]!.n);
    }
    return counts;
  } finally {
    await warehouse.close();
  }
}
