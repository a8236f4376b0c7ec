/**
 * A column's type in DDL: the dialect's name for its Loadout type, and for text on a dialect whose
 * text type carries a length (Redshift's `VARCHAR(65535)`, which counts bytes) that length cut to
 * the column's byte bound, so a uuid is VARCHAR(36) and JSON text VARCHAR(65535). DuckDB's VARCHAR
 * and PostgreSQL's TEXT carry none: their text columns stay unsized (docs/schemas.md, "Text bounds").
 */
import { MAX_TEXT_BYTES } from '../../../schemas/text-bounds';
import type { WarehouseColumn } from '../warehouse';
import { ident } from './identifiers';
import type { TypeNames } from './merge-sql';

const SIZED_TEXT = /^(VARCHAR|CHARACTER VARYING)\((\d+)\)$/i;

export function columnTypeSql(column: Pick<WarehouseColumn, 'type' | 'maxBytes'>, types: TypeNames): string {
  const name = types[column.type];
  if (column.type !== 'string' && column.type !== 'json') return name;
  const sized = SIZED_TEXT.exec(name);
  if (!sized) return name;
  const bytes = Math.min(column.maxBytes ?? MAX_TEXT_BYTES, Number(sized[2]));
  return `${sized[1]}(${bytes})`;
}

/** The byte length of a dialect's sized text type name (`VARCHAR(36)` -> 36), undefined when unsized. */
export function sizedTextBytes(typeName: string): number | undefined {
  const sized = SIZED_TEXT.exec(typeName);
  return sized ? Number(sized[2]) : undefined;
}

/**
 * How a staged column is read into the merge: Redshift stages timestamps as TIMESTAMP (the type
 * COPY documents for Parquet timestamps, docs/redshift-parquet-types.md) holding UTC, and the
 * merge converts them to the target's TIMESTAMPTZ with AT TIME ZONE 'UTC', whatever the session's zone.
 */
export interface StagedValues {
  timestampsWithoutZone?: boolean;
}

export function stagedValueSql(
  column: Pick<WarehouseColumn, 'name' | 'type'>,
  staged: StagedValues = {},
  /** The staging table's alias, when other tables of the query have columns of the same names. */
  from?: string,
): string {
  const name = ident(column.name);
  const value = from === undefined ? name : `${from}.${name}`;
  if (column.type === 'timestamp' && staged.timestampsWithoutZone === true)
    return `${value} AT TIME ZONE 'UTC' AS ${name}`;
  return from === undefined ? name : `${value} AS ${name}`;
}
