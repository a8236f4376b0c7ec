/**
 * Where a table's load reads and writes: an event table of the catalog in the warehouse schema,
 * Loadout's rejects and unknown tables beside it (core/side-tables.ts), or the personal-data store (core/personal/personal-data-file.ts), staged under `pii/` and loaded
 * into its own schema (`{schema}_pii`), which analysts are not granted (docs/personal-data.md).
 */
import { PERSONAL_DATA_TABLE, PERSONAL_DATA_TYPE } from '../core/personal/personal-data-file';
import { SIDE_TABLE_TYPES } from '../core/side-tables';
import { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';
import { withLineage } from '../schemas/lineage-columns';
import { warehouseColumnOf } from '../schemas/column-types';
import type { WarehouseColumn } from '../stores/warehouse/warehouse';

export interface LoadTarget {
  type: EventType;
  /** What fileColumnsOf and planTableMigration look the table up in. */
  catalog: Catalog;
  schema: string;
  /** Prefix of the table's staged files in the lake. */
  stagedPrefix: string;
  /** The table has the lineage columns (`_loadout_batch`, `_loadout_loaded_at`: schemas/lineage-columns.ts). */
  lineage: boolean;
}

const PERSONAL_DATA_CATALOG = new Catalog([PERSONAL_DATA_TYPE]);
const SIDE_TABLES_CATALOG = new Catalog(SIDE_TABLE_TYPES);

/** Loadout's own tables a load fills from the lake beside the catalog's: rejects and unknown events. */
export const SIDE_TABLES: readonly string[] = SIDE_TABLES_CATALOG.tables;

export function personalDataSchemaOf(warehouseSchema: string): string {
  return `${warehouseSchema}_pii`;
}

export function loadTargetOf(
  deps: { catalog: Catalog; warehouseSchema: string },
  table: string,
): LoadTarget | undefined {
  const type = deps.catalog.table(table);
  if (type !== undefined)
    return {
      type,
      catalog: deps.catalog,
      schema: deps.warehouseSchema,
      stagedPrefix: `staged/${table}/`,
      lineage: true,
    };
  const side = SIDE_TABLES_CATALOG.table(table);
  if (side !== undefined)
    return {
      type: side,
      catalog: SIDE_TABLES_CATALOG,
      schema: deps.warehouseSchema,
      stagedPrefix: `staged/${table}/`,
      lineage: true,
    };
  if (table !== PERSONAL_DATA_TABLE) return undefined;
  return {
    type: PERSONAL_DATA_TYPE,
    catalog: PERSONAL_DATA_CATALOG,
    schema: personalDataSchemaOf(deps.warehouseSchema),
    stagedPrefix: `pii/staged/${table}/`,
    lineage: false,
  };
}

/** The table's columns in the warehouse: the declared ones, then the lineage columns when it has them. */
export function warehouseColumnsOf(target: LoadTarget): WarehouseColumn[] {
  const declared = target.type.columns.map(warehouseColumnOf);
  return target.lineage ? withLineage(declared) : declared;
}
