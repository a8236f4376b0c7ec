/**
 * The Parquet schema of a staged table: the types DuckDB's writer gave these columns (checked
 * with hyparquet on its files), so readers and loaders see the same files as before. Every
 * column is OPTIONAL, as DuckDB wrote them: a file never promises more than the schema does.
 */
import type { SchemaElement } from 'hyparquet';
import type { ColumnType, OutputColumn } from '../../schemas/column-types';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from '../../schemas/decimal';

const ELEMENT: Record<ColumnType, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  json: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int64: { type: 'INT64', converted_type: 'INT_64' },
  double: { type: 'DOUBLE' },
  // Exact money: the units as INT64 (Parquet allows it up to 18 digits). Redshift's COPY reads a
  // Parquet DECIMAL into a DECIMAL column of the same precision and scale (AWS knowledge center,
  // "resolve data incompatibility errors in Redshift Spectrum": the table's precision and scale
  // must match the file's; COPY from Parquet goes through Spectrum, "COPY from columnar data
  // formats"), and DECIMAL(18,4) is one of Redshift's 64-bit decimals ("Numeric types": up to 19 digits).
  decimal: {
    type: 'INT64',
    converted_type: 'DECIMAL',
    scale: DECIMAL_SCALE,
    precision: DECIMAL_PRECISION,
    logical_type: { type: 'DECIMAL', scale: DECIMAL_SCALE, precision: DECIMAL_PRECISION },
  },
  boolean: { type: 'BOOLEAN' },
  timestamp: {
    type: 'INT64',
    converted_type: 'TIMESTAMP_MICROS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
  },
};

export function parquetSchemaOf(columns: readonly OutputColumn[]): SchemaElement[] {
  return [
    { name: 'schema', repetition_type: 'REQUIRED', num_children: columns.length },
    ...columns.map((c): SchemaElement => ({ name: c.name, repetition_type: 'OPTIONAL', ...ELEMENT[c.type] })),
  ];
}
