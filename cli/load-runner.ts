/** Starts a `load` workflow and waits for it; reads table row counts from the warehouse. */
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { LoadoutConfig } from '../config/config-schema';
import type { Catalog } from '../schemas/catalog';
import { qualified } from '../stores/warehouse/sql/identifiers';
import { openWarehouse } from '../stores/warehouse/open-warehouse';
import type { LoadInput, LoadResult } from '../workflows/load-types';

/** `reason` names what the load follows (a run's batches, an operator's request), for its id. */
export async function runLoad(client: Client, config: LoadoutConfig, reason: string, tables?: string[]): Promise<LoadResult> {
  const input: LoadInput = { environment: config.env, tables };
  const workflowId = `loadout-load-${config.env}-${createHash('sha256').update(reason).update(JSON.stringify(tables ?? null)).digest('hex').slice(0, 24)}`;
  const handle = await client.workflow.start('load', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [input],
    // Loads are idempotent (ledger), so the same id may run again after completing.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  return (await handle.result()) as LoadResult;
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
