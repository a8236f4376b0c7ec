/**
 * The type lattice of undeclared attributes (docs/schemas.md, "Evolution"): each JSON value has a
 * kind; a column's kind is the join of its values' kinds, so a column once typed never narrows and
 * a value that no longer fits widens it: integer and number give number, json with json stays
 * json, and any other two different kinds give string. Nothing is dropped: every value fits string.
 */
import type { ColumnType } from '../../schemas/column-types';
import { timestampMicros } from '../../schemas/timestamp';

export type InferredKind = 'boolean' | 'integer' | 'number' | 'timestamp' | 'uuid' | 'string' | 'json';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kind of one JSON value; undefined for null, which fits every kind. */
export function kindOf(value: unknown): InferredKind | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  // Integers past 2^53 lose digits as int64 doubles: they are numbers.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') {
    if (value.length === 36 && UUID.test(value)) return 'uuid';
    if (value.length >= 20 && value.length <= 35 && !Number.isNaN(timestampMicros(value))) return 'timestamp';
    return 'string';
  }
  return 'json';
}

/** The least kind holding both. */
export function widenKind(a: InferredKind, b: InferredKind): InferredKind {
  if (a === b) return a;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'number';
  return 'string';
}

/** What a column of the kind is staged and stored as. */
export function columnTypeOfKind(kind: InferredKind): ColumnType {
  switch (kind) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'int64';
    case 'number':
      return 'double';
    case 'timestamp':
      return 'timestamp';
    case 'json':
      return 'json';
    default:
      return 'string';
  }
}

/** The lattice on column types, for superset schemas merged from staged files' records. */
export function widenColumnType(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if ((a === 'int64' && b === 'double') || (a === 'double' && b === 'int64')) return 'double';
  return 'string';
}

/**
 * A value as the stage writer takes it in a column of `kind`: timestamps as UTC microseconds,
 * uuids lower-cased (as the catalog normalises them), json as its JSON text, and in a string
 * column anything that is not a string as its JSON text (`5`, `true`, `[1,2]`).
 */
export function stagedValue(kind: InferredKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'timestamp':
      return timestampMicros(value as string);
    case 'uuid':
      return (value as string).toLowerCase();
    case 'json':
      return JSON.stringify(value);
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return value;
  }
}
