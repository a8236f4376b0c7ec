/**
 * Where a table's load reads and writes: an event table of the catalog in the warehouse schema,
 * or the personal-data store (core/personal/personal-data-file.ts), staged under `pii/` and loaded
 * into its own schema (`{schema}_pii`), which analysts are not granted (docs/personal-data.md).
 */
import { PERSONAL_DATA_TABLE, PERSONAL_DATA_TYPE } from '../core/personal/personal-data-file';
import { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';

export interface LoadTarget {
  type: EventType;
  /** What fileColumnsOf and planTableMigration look the table up in. */
  catalog: Catalog;
  schema: string;
  /** Prefix of the table's staged files in the lake. */
  stagedPrefix: string;
}

const PERSONAL_DATA_CATALOG = new Catalog([PERSONAL_DATA_TYPE]);

export function personalDataSchemaOf(warehouseSchema: string): string {
  return `${warehouseSchema}_pii`;
}

export function loadTargetOf(
  deps: { catalog: Catalog; warehouseSchema: string },
  table: string,
): LoadTarget | undefined {
  const type = deps.catalog.table(table);
  if (type !== undefined)
    return { type, catalog: deps.catalog, schema: deps.warehouseSchema, stagedPrefix: `staged/${table}/` };
  if (table !== PERSONAL_DATA_TABLE) return undefined;
  return {
    type: PERSONAL_DATA_TYPE,
    catalog: PERSONAL_DATA_CATALOG,
    schema: personalDataSchemaOf(deps.warehouseSchema),
    stagedPrefix: `pii/staged/${table}/`,
  };
}
