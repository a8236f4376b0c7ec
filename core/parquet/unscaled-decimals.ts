/** hyparquet metadata that reads DECIMAL columns as the INT64 units they are stored as. */
import type { FileMetaData } from 'hyparquet';

/**
 * The metadata with DECIMAL columns read as the plain INT64 they are stored as: hyparquet would
 * scale them by a float factor (19.99 could come back as 19.990000000000002); the encoders take
 * the exact units (stores/warehouse/postgres-numeric.ts, formatUnits).
 */
export function withUnscaledDecimals(metadata: FileMetaData): FileMetaData {
  if (!metadata.schema.some((e) => e.converted_type === 'DECIMAL')) return metadata;
  return {
    ...metadata,
    schema: metadata.schema.map((e) => {
      if (e.converted_type !== 'DECIMAL' || e.type !== 'INT64') return e;
      const { converted_type: _converted, logical_type: _logical, ...plain } = e;
      return plain;
    }),
  };
}
