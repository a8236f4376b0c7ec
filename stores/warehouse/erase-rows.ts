/**
 * Which warehouse tables hold a player's rows, and how each is erased: one DELETE per table, so
 * each table's erasure is its own transaction and a repeat deletes nothing more. Tables are found
 * by their pseudonymised columns (the catalog's event tables, the personal-data store); tables
 * that keep raw record text (a clear id inside JSON text) are matched by hashing each candidate
 * row's ids, and adding one is one entry in RAW_TEXT_TABLES.
 */
import { personalDataSchemaOf } from '../../activities/load-target';
import { pseudonymisedNames } from '../../core/erasure/erased-records';
import { personalValuesOfText } from '../../core/erasure/record-text';
import { PERSONAL_DATA_TABLE } from '../../core/personal/personal-data-file';
import type { Catalog } from '../../schemas/catalog';
import { REJECTS_TABLE, SIDE_TABLE_KEY, SIDE_TABLE_RECORD_COLUMN, UNKNOWN_TABLE } from '../../core/side-tables';
import { deleteByKeysSql, deleteByPseudonymSql, rawTextCandidatesSql, rawTextPatterns } from './sql/erasure-sql';
import type { Warehouse } from './warehouse';

export type ErasureTarget =
  | { schema: string; table: string; kind: 'pseudonym'; columns: string[] }
  | { schema: string; table: string; kind: 'raw-text'; textColumn: string; keyColumns: string[] };

/**
 * Warehouse tables (in the analytic schema) holding raw record text, with the column holding it
 * and their key. None yet: tables of rejected and unknown records would be listed here.
 */
export const RAW_TEXT_TABLES: readonly { table: string; textColumn: string; keyColumns: string[] }[] = [
  { table: REJECTS_TABLE, textColumn: SIDE_TABLE_RECORD_COLUMN, keyColumns: [...SIDE_TABLE_KEY] },
  { table: UNKNOWN_TABLE, textColumn: SIDE_TABLE_RECORD_COLUMN, keyColumns: [...SIDE_TABLE_KEY] },
];

export function erasureTargetsOf(catalog: Catalog, warehouseSchema: string): ErasureTarget[] {
  const targets: ErasureTarget[] = [];
  for (const type of catalog.eventTypes) {
    const columns = type.personal.filter((p) => p.treatment === 'pseudonymise').map((p) => p.name);
    if (columns.length > 0) targets.push({ schema: warehouseSchema, table: type.table, kind: 'pseudonym', columns });
  }
  for (const t of RAW_TEXT_TABLES) targets.push({ schema: warehouseSchema, kind: 'raw-text', ...t });
  targets.push({
    schema: personalDataSchemaOf(warehouseSchema),
    table: PERSONAL_DATA_TABLE,
    kind: 'pseudonym',
    columns: ['pseudonym'],
  });
  return targets;
}

/** Keys deleted per statement of a raw-text table. */
const KEYS_PER_DELETE = 200;

/**
 * Deletes the player's rows of one table; 0 when the table does not exist. `isErased` tells
 * whether a clear id is the player's (its pseudonym compared), for raw-text tables.
 */
export async function eraseTableRows(
  warehouse: Warehouse,
  catalog: Catalog,
  target: ErasureTarget,
  pseudonym: string,
  isErased: (clear: string) => boolean,
): Promise<number> {
  if (!(await warehouse.describeTable(target.schema, target.table))) return 0;
  if (target.kind === 'pseudonym')
    return warehouse.deleteRows(deleteByPseudonymSql(target.schema, target.table, target.columns), [pseudonym]);
  const fields = [...pseudonymisedNames(catalog)].sort();
  const candidates = await warehouse.query(
    rawTextCandidatesSql(target.schema, target.table, target.textColumn, target.keyColumns, fields),
    rawTextPatterns(fields),
  );
  const names = new Set(fields);
  const keys = candidates
    // The text holds the player's pseudonym where Loadout scrubbed it (core/personal/scrub-record-text.ts).
    .filter((row) =>
      personalValuesOfText(String(row[target.textColumn]), names).some((v) => v === pseudonym || isErased(v)),
    )
    .map((row) => target.keyColumns.map((c) => row[c]));
  let deleted = 0;
  for (let i = 0; i < keys.length; i += KEYS_PER_DELETE) {
    const chunk = keys.slice(i, i + KEYS_PER_DELETE);
    deleted += await warehouse.deleteRows(
      deleteByKeysSql(target.schema, target.table, target.keyColumns, chunk.length),
      chunk.flat(),
    );
  }
  return deleted;
}
