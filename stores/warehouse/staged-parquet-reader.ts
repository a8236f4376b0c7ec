/** Staged Parquet files read back one row group at a time, column by column (for PostgreSQL's COPY). */
import { withUnscaledDecimals } from '../../core/parquet/unscaled-decimals';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { uncompressSync } from 'snappy';
import type { MergePlan, StagedFile, WarehouseColumn } from './warehouse';

export interface RowGroup {
  staged: StagedFile;
  rows: number;
  /** One array per plan.fileColumns entry. */
  columns: Values[];
}

export type Values = ArrayLike<unknown>;

/** The staged files' row groups in plan order, one row group of one file in memory at a time. */
export async function* stagedRowGroups(plan: MergePlan, rawStrings: boolean): AsyncGenerator<RowGroup> {
  const names = plan.fileColumns.map((c) => c.name);
  for (const staged of plan.files) {
    const file = await asyncBufferFromFile(staged.url);
    const metadata = await parquetMetadataAsync(file);
    checkFileColumns(
      staged,
      plan.fileColumns,
      parquetSchema(metadata).children.map((c) => c.element.name),
    );
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      if (rows === 0) continue;
      const columns = await readRowGroup(file, metadata, names, groupStart, rows, staged, rawStrings);
      groupStart += rows;
      yield { staged, rows, columns };
    }
  }
}

/**
 * One row group, column by column (hyparquet's row assembly would build an array per row only for
 * us to take it apart again). Columns arrive as page-sized chunks; one chunk is used as it is.
 */
async function readRowGroup(
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>,
  metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>,
  names: string[],
  groupStart: number,
  groupRows: number,
  staged: StagedFile,
  rawStrings: boolean,
): Promise<Values[]> {
  const chunks = new Map<string, { rowStart: number; data: Values }[]>(names.map((n) => [n, []]));
  await parquetRead({
    file,
    metadata: withUnscaledDecimals(metadata),
    columns: names,
    rowStart: groupStart,
    rowEnd: groupStart + groupRows,
    // INT64 TIMESTAMP(MICROS) as the raw bigint: a Date would keep milliseconds only.
    parsers: {
      timestampFromMicroseconds: (micros: bigint) => micros,
      // For binary COPY, UTF-8 strings stay the bytes they are in the file.
      ...(rawStrings ? { stringFromBytes: (bytes: Uint8Array) => bytes } : {}),
    },
    compressors: { SNAPPY: nativeSnappy },
    onChunk: (chunk) =>
      chunks.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData as Values }),
  });
  return names.map((name) => {
    const parts = chunks.get(name)!.sort((a, b) => a.rowStart - b.rowStart);
    if (parts.length === 1 && parts[0]!.rowStart === groupStart && parts[0]!.data.length === groupRows)
      return parts[0]!.data;
    const values = new Array<unknown>(groupRows);
    let filled = 0;
    for (const part of parts) {
      for (let i = 0; i < part.data.length; i++) {
        const at = part.rowStart - groupStart + i;
        if (at >= 0 && at < groupRows) {
          values[at] = part.data[i];
          filled++;
        }
      }
    }
    if (filled !== groupRows) {
      throw new Error(
        `staged file ${staged.key}: column ${name} has ${filled} values in a row group of ${groupRows} rows`,
      );
    }
    return values;
  });
}

function checkFileColumns(staged: StagedFile, expected: readonly WarehouseColumn[], actual: string[]): void {
  const want = expected.map((c) => c.name);
  if (want.length !== actual.length || want.some((n, i) => n !== actual[i])) {
    throw new Error(
      `staged file ${staged.key} has columns (${actual.join(', ')}), the plan expects (${want.join(', ')})`,
    );
  }
}

/** Native snappy (the package the writer compresses with): hyparquet's JavaScript one is slower. */
function nativeSnappy(input: Uint8Array, outputLength: number): Uint8Array {
  const out = uncompressSync(input) as Buffer;
  if (out.length !== outputLength) throw new Error(`snappy: expected ${outputLength} bytes, got ${out.length}`);
  return out;
}
