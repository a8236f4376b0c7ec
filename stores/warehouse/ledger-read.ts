/** Reads the ledger of a schema, or of one table, on any warehouse: the shared ledger and every per-table one. */
import { ledgerQuerySql, ledgerTableOf, ledgerTablesSql } from './sql/merge-sql';
import type { LedgerEntry, Warehouse } from './warehouse';

export async function readLedger(
  warehouse: Pick<Warehouse, 'query'>,
  schema: string,
  table?: string,
): Promise<LedgerEntry[]> {
  // A table's ledger exists from its first merge on: list those that do, so the union names no missing table.
  const ledgers = (await warehouse.query(ledgerTablesSql(), [schema]))
    .map((r) => String(r.table_name))
    .filter((name) => table === undefined || name === ledgerTableOf(table));
  const rows = await warehouse.query(
    ledgerQuerySql(schema, table !== undefined, ledgers),
    table !== undefined ? [table] : [],
  );
  return rows.map((r) => ({
    manifestKey: String(r.manifest_key),
    table: String(r.table_name),
    fingerprint: String(r.fingerprint),
    files: Number(r.files),
    rows: Number(r.rows),
    loadedAt: r.loaded_at instanceof Date ? r.loaded_at : new Date(String(r.loaded_at)),
  }));
}
