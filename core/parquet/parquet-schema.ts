/**
 * The Parquet schema of a staged table: the types DuckDB's writer gave these columns (checked
 * with hyparquet on its files), so readers and loaders see the same files as before. Every
 * column is OPTIONAL, as DuckDB wrote them: a file never promises more than the schema does.
 */
import type { SchemaElement } from 'hyparquet';
import type { ColumnType, OutputColumn } from '../../schemas/column-types';

const ELEMENT: Record<ColumnType, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  json: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int64: { type: 'INT64', converted_type: 'INT_64' },
  double: { type: 'DOUBLE' },
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
