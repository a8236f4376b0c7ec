/**
 * A Loadout Parquet file without some rows: read whole with hyparquet, the rows kept written again
 * by the core's own writer with the file's exact columns (its `loadout.columns` footer entry), so
 * the rewritten file loads like the original. Staged, loaded and personal-data files are small
 * (one batch each), so reading one whole is fine.
 */
import { readFile } from 'node:fs/promises';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { ColumnType, OutputColumn } from '../../schemas/column-types';
import { COLUMNS_METADATA_KEY } from '../parquet-stage-writer';
import { TableFile } from '../parquet/table-file';
import { withUnscaledDecimals } from '../parquet/unscaled-decimals';

export interface ParquetRewrite {
  rows: number;
  removed: number;
  /** The rewritten file's bytes; absent when no row was removed (nothing to write). */
  bytes?: Uint8Array;
}

/** Bigints and text as the writer takes them: no Date (it would lose the microseconds), no parsed JSON. */
const RAW_PARSERS = {
  timestampFromMicroseconds: (micros: bigint) => micros as unknown as Date,
  jsonFromBytes: (bytes: Uint8Array) => (bytes === undefined ? bytes : new TextDecoder().decode(bytes)),
};

/**
 * Rewrites `file` without the rows whose value in one of `columns` is `value` (or satisfies it, for
 * record text searched for a player's ids). Only those columns are read first: a file without such
 * a row (most) is left as it is. The new file is written at `workPath`.
 */
export async function rewriteParquetWithout(
  file: Uint8Array,
  columns: readonly string[],
  value: string | ((cell: unknown) => boolean),
  workPath: string,
): Promise<ParquetRewrite> {
  const matches = typeof value === 'string' ? (cell: unknown) => cell === value : value;
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const present = metadata.schema.slice(1).map((e) => e.name);
  const matched = columns.filter((c) => present.includes(c));
  const drop = (row: Record<string, unknown>) => matched.some((c) => matches(row[c]));
  if (matched.length === 0) return { rows: Number(metadata.num_rows), removed: 0 };
  const probe = (await parquetReadObjects({
    file: buffer,
    metadata,
    columns: matched,
    parsers: RAW_PARSERS,
  })) as Record<string, unknown>[];
  if (!probe.some(drop)) return { rows: probe.length, removed: 0 };
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === COLUMNS_METADATA_KEY);
  if (!entry?.value) throw new Error(`no ${COLUMNS_METADATA_KEY} footer entry: not a file Loadout wrote`);
  const declared = (JSON.parse(entry.value) as { name: string; type: ColumnType; nullable: boolean }[]).map(
    (c): OutputColumn => ({ ...c, path: [c.name] }),
  );
  // Decimals as their stored units, as the writer takes them (a float would lose the exact cents).
  const rows = (await parquetReadObjects({
    file: buffer,
    metadata: withUnscaledDecimals(metadata),
    parsers: RAW_PARSERS,
  })) as Record<string, unknown>[];
  const kept = rows.filter((r) => !drop(r));
  const out = new TableFile(
    `${workPath}.partial`,
    declared,
    declared.map(() => false),
    [{ key: COLUMNS_METADATA_KEY, value: entry.value }],
    { rows: 100_000, bytes: 16 * 1024 * 1024, pageBytes: 64 * 1024 },
  );
  for (const row of kept) out.push(declared.map((c) => writable(c.type, row[c.name])));
  out.finish(workPath);

  return { rows: rows.length, removed: rows.length - kept.length, bytes: await readFile(workPath) };
}

/** A value as hyparquet read it, as TableFile#push takes it for the column's type. */
function writable(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int64':
    case 'timestamp':
    case 'decimal':
      return Number(value);
    case 'string':
    case 'json':
    case 'double':
    case 'boolean':
      return value;
    default:
      // A column type added later needs its conversion here before files holding it can be rewritten.
      throw new Error(`cannot rewrite a column of type ${String(type)}`);
  }
}
