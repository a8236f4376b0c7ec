/**
 * Lineage: the columns Loadout adds to every table it loads (the batch that staged a row, when its
 * merge committed) and the names reserved for them and for Loadout's own tables (docs/lineage.md).
 */
import type { ColumnType } from './column-types';

/** The batch id that staged the row: written by the core into every staged file, constant per file. */
export const BATCH_COLUMN = '_loadout_batch';
/** When the merge that put the row in its table committed (the transaction's timestamp, as the ledger's loaded_at). */
export const LOADED_AT_COLUMN = '_loadout_loaded_at';

/** Column names starting so are Loadout's: no catalog or inferred column may take one. */
export const RESERVED_COLUMN_PREFIX = '_loadout_';
/** Loadout's own tables beside the catalog's in the warehouse schema: no event type may take one's name. */
export const RESERVED_TABLES: readonly string[] = [
  'loadout_ledger',
  'loadout_rejects',
  'loadout_unknown',
  'loadout_loads',
];

export interface LineageColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

/** What staged files of lineage-carrying tables hold after the declared columns. */
export const STAGED_LINEAGE_COLUMNS: readonly LineageColumn[] = [
  { name: BATCH_COLUMN, type: 'string', nullable: true },
];

/**
 * The lineage columns of a warehouse table, after the declared ones. Nullable: rows loaded before
 * a table had them (an existing warehouse, migrated additively) have no value for them.
 */
export const LINEAGE_COLUMNS: readonly LineageColumn[] = [
  ...STAGED_LINEAGE_COLUMNS,
  { name: LOADED_AT_COLUMN, type: 'timestamp', nullable: true },
];

export function withLineage<C extends { name: string; type: ColumnType; nullable: boolean }>(
  columns: readonly C[],
): (C | LineageColumn)[] {
  return [...columns, ...LINEAGE_COLUMNS];
}

/** Refuses a declared column name Loadout reserves, naming where it comes from. */
export function assertNotReservedColumn(name: string, what: string): void {
  if (name.startsWith(RESERVED_COLUMN_PREFIX))
    throw new Error(
      `${what} ${JSON.stringify(name)} starts with ${RESERVED_COLUMN_PREFIX}, which Loadout reserves for its lineage columns (${BATCH_COLUMN}, ${LOADED_AT_COLUMN}); rename the field`,
    );
}

/** Refuses a catalog table name Loadout reserves for its own tables. */
export function assertNotReservedTable(table: string, tag: string): void {
  if (RESERVED_TABLES.includes(table))
    throw new Error(
      `event ${tag}: table ${JSON.stringify(table)} is one of Loadout's own tables (${RESERVED_TABLES.join(', ')}); give the event type another table name (\`table\` in defineEvent)`,
    );
}
