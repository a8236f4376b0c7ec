/**
 * The durable record of an evolved staged file's columns, `schemas/{table}/{fingerprint}.json` in
 * the lake: written by the batch before the file, derived from its columns (a retry overwrites it
 * with the same bytes), read by the loader, which would otherwise know only the declared columns.
 * A table's superset schema is its declared columns plus every record's extra columns, widened
 * along the lattice (type-lattice.ts): what the warehouse table must have before a merge.
 */
import type { OutputColumn } from '../../schemas/column-types';
import type { StagedColumn } from '../batch-output';
import { widenColumnType } from './type-lattice';

export const STAGED_SCHEMA_FORMAT = 'loadout.staged-schema';
export const STAGED_SCHEMA_VERSION = 1;

export interface StagedSchemaRecord {
  format: typeof STAGED_SCHEMA_FORMAT;
  version: number;
  table: string;
  fingerprint: string;
  columns: StagedColumn[];
}

export function stagedSchemaPrefix(table: string): string {
  return `schemas/${table}/`;
}

export function stagedSchemaKey(table: string, fingerprint: string): string {
  return `${stagedSchemaPrefix(table)}${fingerprint}.json`;
}

export function stagedSchemaRecord(table: string, fingerprint: string, columns: StagedColumn[]): StagedSchemaRecord {
  return { format: STAGED_SCHEMA_FORMAT, version: STAGED_SCHEMA_VERSION, table, fingerprint, columns };
}

/** The columns of a record of any version this code reads; an unknown format or a newer version is refused. */
export function columnsOfRecord(key: string, value: unknown): StagedColumn[] {
  const record = value as Partial<StagedSchemaRecord>;
  if (record?.format !== STAGED_SCHEMA_FORMAT || typeof record.version !== 'number' || !Array.isArray(record.columns))
    throw new Error(`${key} is not a Loadout staged-schema record`);
  if (record.version > STAGED_SCHEMA_VERSION)
    throw new Error(`${key} has staged-schema version ${record.version}, newer than this worker reads: upgrade it`);
  return record.columns;
}

/**
 * Declared columns first, as declared, then every extra column of the records, nullable, by name,
 * each of the widest type any record gave it. A declared name keeps its declared type.
 */
export function supersetColumns(
  declared: readonly Pick<OutputColumn, 'name' | 'type' | 'nullable'>[],
  records: readonly (readonly StagedColumn[])[],
): StagedColumn[] {
  const declaredNames = new Set(declared.map((c) => c.name));
  const extra = new Map<string, StagedColumn>();
  for (const columns of records) {
    for (const c of columns) {
      if (declaredNames.has(c.name)) continue;
      const seen = extra.get(c.name);
      const type = seen === undefined ? c.type : widenColumnType(seen.type, c.type);
      // A uuid column stays one while every record says so; text is mixed once any value was not text.
      const uuid = type === 'string' && c.uuid === true && (seen === undefined || seen.uuid === true);
      const mixed = type === 'string' && (c.mixed === true || seen?.mixed === true || !isText(c) || !isText(seen));
      extra.set(c.name, {
        name: c.name,
        type,
        nullable: true,
        ...((seen?.attribute ?? c.attribute) === undefined ? {} : { attribute: seen?.attribute ?? c.attribute }),
        ...(uuid ? { uuid: true as const } : {}),
        ...(mixed ? { mixed: true as const } : {}),
      });
    }
  }
  const sorted = [...extra.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...declared.map(({ name, type, nullable }) => ({ name, type, nullable })), ...sorted];
}

function isText(column: StagedColumn | undefined): boolean {
  return column === undefined || column.type === 'string' || column.type === 'timestamp';
}
