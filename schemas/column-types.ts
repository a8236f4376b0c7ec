/** Output column types: what staged Parquet files and warehouse tables hold. */
import type { PersonalTreatment } from './personal';

/**
 * `json` is text holding a JSON document; `timestamp` is UTC with microsecond precision; `decimal`
 * is exact, DECIMAL(18,4) (schemas/decimal.ts), its values integer counts of 10^-4 units.
 */
export type ColumnType = 'string' | 'json' | 'int64' | 'double' | 'decimal' | 'boolean' | 'timestamp';

export const COLUMN_TYPES: readonly ColumnType[] = [
  'string',
  'json',
  'int64',
  'double',
  'decimal',
  'boolean',
  'timestamp',
];

export interface OutputColumn {
  /** Name in the staged file and the warehouse table (the output name, after any rename). */
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Where the value sits in the validated record, e.g. ['stats', 'accuracy']. */
  path: readonly string[];
  /** Personal data: the treatment the processing core applies before staging (schemas/personal.ts). */
  personal?: PersonalTreatment;
  /**
   * Text columns (string, json): the most UTF-8 bytes a value holds, what warehouses size the column
   * to (schemas/text-bounds.ts). Absent on other types; a text column without it holds MAX_TEXT_BYTES.
   */
  maxBytes?: number;
}

/** What a warehouse and a staged file's footer need of a column: no path, no personal treatment. */
export function warehouseColumnOf(
  column: Pick<OutputColumn, 'name' | 'type' | 'nullable'> & { maxBytes?: number },
): Pick<OutputColumn, 'name' | 'type' | 'nullable' | 'maxBytes'> {
  const { name, type, nullable, maxBytes } = column;
  return maxBytes === undefined ? { name, type, nullable } : { name, type, nullable, maxBytes };
}

/** Warehouse identifiers: lower-case, so every dialect agrees on them without quoting surprises. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(
      `${what} ${JSON.stringify(name)} is not a valid identifier (lower-case letters, digits, _; at most 63 chars)`,
    );
  }
  return name;
}
