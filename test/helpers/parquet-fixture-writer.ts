/**
 * An independent Parquet writer (hyparquet-writer) for test fixtures and load benchmarks: the
 * adapters must read standard Parquet, not only what core's own stage writer (core/parquet-stage-writer.ts) produces.
 */
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { compressSync } from 'snappy';
import { COLUMNS_METADATA_KEY } from '../../core/parquet-stage-writer';
import type { ColumnType, OutputColumn } from '../../schemas/column-types';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** Parquet types every reader we target (Redshift COPY, DuckDB, pyarrow) maps without surprises. */
function elementFor(column: OutputColumn): SchemaElement {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  const byType: Record<ColumnType, Omit<SchemaElement, 'name'>> = {
    string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    json: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    int64: { type: 'INT64' },
    double: { type: 'DOUBLE' },
    decimal: {
      type: 'INT64',
      converted_type: 'DECIMAL',
      scale: 4,
      precision: 18,
      logical_type: { type: 'DECIMAL', scale: 4, precision: 18 },
    },
    boolean: { type: 'BOOLEAN' },
    timestamp: {
      type: 'INT64',
      converted_type: 'TIMESTAMP_MICROS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
    },
  };
  return { name: column.name, repetition_type, ...byType[column.type] } as SchemaElement;
}

export const PARQUET_CREATED_BY = 'loadout';

export class ParquetTableWriter {
  private readonly writer: ParquetWriter;
  private readonly sink: ReturnType<typeof fileWriter>;
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly OutputColumn[],
  ) {
    this.sink = fileWriter(path);
    this.writer = new ParquetWriter({
      writer: this.sink,
      schema: [{ name: 'root', num_children: columns.length }, ...columns.map(elementFor)],
      codec: 'SNAPPY',
      // Native snappy: the writer's built-in JavaScript snappy was a third of the write time.
      compressors: {
        SNAPPY: (input: Uint8Array) => compressSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength)),
      },
      // No timestamps or host names in the file: the same rows give the same bytes on a retry.
      createdBy: PARQUET_CREATED_BY,
      // The exact Loadout columns (json vs string is not visible in Parquet types), so a loader can
      // build its column list from the footer of a file whose fingerprint it does not know.
      kvMetadata: [
        {
          key: COLUMNS_METADATA_KEY,
          value: JSON.stringify(columns.map(({ name, type, nullable }) => ({ name, type, nullable }))),
        },
      ],
    });
  }

  /** Writes `rowCount` rows held column by column (as TableBuffer holds them) as one row group. */
  writeRowGroup(columnValues: readonly unknown[][], rowCount: number): void {
    if (rowCount === 0) return;
    const columnData = this.columns.map((column, i) => ({
      name: column.name,
      data: toParquetValues(column.type, columnValues[i]!, rowCount),
    }));
    void this.writer.write({ columnData, rowGroupSize: rowCount });
    this.rows += rowCount;
  }

  close(): void {
    // The file writer's finish() writes synchronously (it has no flush); its promise carries nothing.
    void this.writer.finish();
  }
}

function toParquetValues(type: ColumnType, values: unknown[], rowCount: number): unknown[] {
  const data = values.length === rowCount ? values : values.slice(0, rowCount);
  // Decimals are their units, like int64: a bigint is written unscaled.
  if (type !== 'int64' && type !== 'timestamp' && type !== 'decimal') return data;
  const out = new Array<bigint | null>(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const v = data[i];
    out[i] = v === null || v === undefined ? null : BigInt(v as number);
  }
  return out;
}
