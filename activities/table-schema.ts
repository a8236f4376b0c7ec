/**
 * A table's columns as the loader must see them: the declared ones plus the evolved ones that
 * batches recorded in the lake (core/evolution/staged-schema.ts), for merges, migration plans and
 * status alike. A table without records is exactly its declaration.
 */
import type { EventType } from '../schemas/define-event';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import { columnsOfRecord, stagedSchemaPrefix, supersetColumns } from '../core/evolution/staged-schema';
import type { StagedColumn } from '../core/batch-output';

export interface TableSchema {
  /** The event type with its columns replaced by the superset (the declared ones first). */
  declaration: Pick<EventType, 'tag' | 'table' | 'uniqueKey'> & { columns: StagedColumn[] };
  /** Names of the columns no schema declares: the lattice may widen them (stores/warehouse/plan-migration.ts). */
  evolved: ReadonlySet<string>;
}

export async function tableSchemaOf(lake: ObjectStore | undefined, type: EventType): Promise<TableSchema> {
  const records: StagedColumn[][] = [];
  if (lake !== undefined) {
    for await (const o of lake.list(stagedSchemaPrefix(type.table))) {
      if (o.key.endsWith('.json')) records.push(columnsOfRecord(o.key, await readJson(lake, o.key)));
    }
  }
  const columns = supersetColumns(type.columns, records);
  const declared = new Set(type.columns.map((c) => c.name));
  return {
    declaration: { tag: type.tag, table: type.table, uniqueKey: type.uniqueKey, columns },
    evolved: new Set(columns.filter((c) => !declared.has(c.name)).map((c) => c.name)),
  };
}
