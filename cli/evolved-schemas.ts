/** What evolution recorded in the lake, for `schema list` and `schema drift`: evolved columns of declared tables, inferred tables. */
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import type { StagedColumn } from '../core/batch-output';
import { tableSchemaOf } from '../activities/table-schema';
import { inferredTypesOf, inferredVersionsOf } from '../activities/inferred-catalog';

export interface EvolvedColumnView extends StagedColumn {
  table: string;
}

export interface InferredTableView {
  event: string;
  table: string;
  uniqueKey: string[];
  /** The latest recorded version of its schema; 0 until its first load created the table. */
  version: number;
  /** That version's columns, or the columns staged so far while none is recorded. */
  columns: StagedColumn[];
}

export interface EvolvedSchemas {
  evolution: Catalog['evolution'];
  evolvedColumns: EvolvedColumnView[];
  inferredTables: InferredTableView[];
}

export async function readEvolvedSchemas(lake: ObjectStore, catalog: Catalog): Promise<EvolvedSchemas> {
  const evolvedColumns: EvolvedColumnView[] = [];
  for (const type of catalog.eventTypes) {
    const { declaration, evolved } = await tableSchemaOf(lake, type);
    for (const c of declaration.columns) if (evolved.has(c.name)) evolvedColumns.push({ table: type.table, ...c });
  }
  const inferredTables: InferredTableView[] = [];
  for (const type of await inferredTypesOf(catalog, lake)) {
    const latest = (await inferredVersionsOf(lake, type.table)).at(-1);
    inferredTables.push({
      event: type.tag,
      table: type.table,
      uniqueKey: [...type.uniqueKey],
      version: latest?.version ?? 0,
      columns: latest?.columns ?? (await tableSchemaOf(lake, type)).declaration.columns,
    });
  }
  return { evolution: catalog.evolution, evolvedColumns, inferredTables };
}
