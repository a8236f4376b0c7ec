/** The recordTableLoad activity: a loadTable run's row in `loadout_loads` (stores/warehouse/sql/loads-sql.ts). */
import type { Catalog } from '../schemas/catalog';
import { createLoadsSql, insertLoadSql, type TableLoadRow } from '../stores/warehouse/sql/loads-sql';
import { loadTargetOf } from './load-target';
import { withWarehouse } from './warehouse-session';

export interface RecordTableLoadDeps {
  catalog: Catalog;
  warehouseUrl: string;
  warehouseSchema: string;
}

/**
 * Written in the schema of the table's ledger (the personal-data store's loads stay in its own
 * schema). Idempotent: the row's key is the run, so a retried attempt finds it and adds nothing.
 */
export async function recordTableLoad(deps: RecordTableLoadDeps, row: TableLoadRow): Promise<void> {
  const schema = loadTargetOf(deps, row.table)?.schema ?? deps.warehouseSchema;
  await withWarehouse(deps.warehouseUrl, (warehouse) =>
    // CREATE ... IF NOT EXISTS for a loadTable started on its own; a load creates it before its children run.
    warehouse.runDdl([createLoadsSql(schema), insertLoadSql(schema, row)]),
  );
}
