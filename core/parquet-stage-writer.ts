/**
 * Writes a batch's tables to Parquet directly: each row's values are copied into per-column page
 * buffers as it comes, full pages are compressed, and a table's row group is appended to its file
 * when it is full. Replaces CSV text read back by DuckDB (docs/benchmarks.md, "Direct Parquet
 * writer"); the files have the types DuckDB's writer gave these columns.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputColumn } from '../schemas/column-types';
import type { EventType } from '../schemas/define-event';
import { warehouseColumnOf } from '../schemas/column-types';
import { STAGED_LINEAGE_COLUMNS } from '../schemas/lineage-columns';
import { TableFile } from './parquet/table-file';

/** The footer entry holding the exact Loadout columns (json vs string is not visible in Parquet types). */
export const COLUMNS_METADATA_KEY = 'loadout.columns';

export interface StageWriterOptions {
  workDir: string;
  /** Rows per row group (default 100,000, as the DuckDB path was configured). */
  rowGroupSize?: number;
  /** Bytes of values per table past which a row group is written before it has rowGroupSize rows. */
  rowGroupBytes?: number;
  /** Bytes of values per page of a column. */
  pageBytes?: number;
  /** When given, every file ends with the lineage column `_loadout_batch` holding it (docs/lineage.md). */
  batchId?: string;
}

/**
 * 16 MiB of values (before compression) per table and row group: a full 100,000-row group of the
 * widest catalog table (damage_dealt, ~154 bytes of PLAIN values a row) stays under it, so only
 * tables of larger rows (long JSON text) get smaller row groups. A table holds its row group's
 * compressed pages meanwhile (38 % of the values on the bench corpus), plus one page per column.
 */
const DEFAULT_ROW_GROUP_BYTES = 16 * 1024 * 1024;

/**
 * 64 KiB of values per page: each page is compressed as soon as it is full, so a column's raw
 * values stay in the CPU's cache. The fastest of the layouts measured in the pipeline (1 MiB pages,
 * one page per column chunk as DuckDB wrote), though within this host's swings: docs/benchmarks.md.
 */
const DEFAULT_PAGE_BYTES = 64 * 1024;

/** A staged file of a table: one per table, or several when evolved columns changed its shape mid-batch. */
export interface StagedPart {
  table: string;
  path: string;
  rows: number;
  columns: readonly OutputColumn[];
}

export class ParquetStageWriter {
  private readonly files = new Map<string, TableFile>();
  /** Per table, the columns its open file was made with (the event type's, or an evolved shape). */
  private readonly shapes = new Map<string, readonly OutputColumn[]>();
  /** Files closed because their table's shape changed (core/evolution/): finished under `.part{n}` names. */
  private readonly closed: { table: string; file: TableFile; columns: readonly OutputColumn[] }[] = [];
  private finished = false;

  private constructor(
    private readonly types: ReadonlyMap<string, EventType>,
    private readonly options: StageWriterOptions,
  ) {}

  /** Nothing is written for a table until its first row. */
  static open(types: readonly EventType[], options: StageWriterOptions): ParquetStageWriter {
    mkdirSync(options.workDir, { recursive: true });
    return new ParquetStageWriter(new Map(types.map((t) => [t.table, t])), options);
  }

  push(table: string, row: readonly unknown[]): void {
    if (this.finished) throw new Error('stage writer already finished');
    (this.files.get(table) ?? this.openTable(table)).push(row);
  }

  /**
   * One row given as a byte scanner sees it, without JS strings: for column i, the UTF-8 text
   * `src[starts[i], ends[i])` when `starts[i] >= 0` (uuid columns: the 36 validated bytes from
   * `starts[i]`, in either case, written lower-cased), else `values[i]` as `push` takes it
   * (null or undefined for NULL). Number and boolean columns always take `values[i]`. Gives the same
   * file bytes as `push` of the same values as strings.
   */
  pushScanned(table: string, src: Uint8Array, values: readonly unknown[], starts: Int32Array, ends: Int32Array): void {
    if (this.finished) throw new Error('stage writer already finished');
    (this.files.get(table) ?? this.openTable(table)).pushScanned(src, values, starts, ends);
  }

  /**
   * push() for a table whose columns evolve within the batch: when `columns` is not the array the
   * open file was made with, that file is closed as a part and a new one opened with `columns`.
   */
  pushShaped(
    table: string,
    columns: readonly OutputColumn[],
    uuidColumns: readonly boolean[],
    row: readonly unknown[],
  ): void {
    if (this.finished) throw new Error('stage writer already finished');
    let file = this.files.get(table);
    const shape = this.shapes.get(table);
    if (file === undefined || shape !== columns) {
      if (file !== undefined && shape !== undefined) this.closed.push({ table, file, columns: shape });
      file = this.openFile(table, columns, uuidColumns, this.closed.length);
      this.shapes.set(table, columns);
    }
    file.push(row);
  }

  /** finish() with every part: the tables' files, and the parts closed when an evolved table changed shape. */
  finishParts(dir: string): StagedPart[] {
    const shapes = new Map(this.shapes);
    const closed = [...this.closed];
    const written = this.finish(dir);
    const parts: StagedPart[] = [];
    for (const [n, part] of closed.entries()) {
      const path = join(dir, `${part.table}.part${n}.parquet`);
      part.file.finish(path);
      parts.push({ table: part.table, path, rows: part.file.rows, columns: part.columns });
    }
    for (const [table, file] of written)
      parts.push({ table, ...file, columns: shapes.get(table) ?? this.types.get(table)!.columns });
    return parts;
  }

  rowsOf(table: string): number {
    return this.files.get(table)?.rows ?? 0;
  }

  /** Writes `{dir}/{table}.parquet` for every table with rows; returns their row counts. */
  finish(dir: string): Map<string, { path: string; rows: number }> {
    if (this.finished) throw new Error('stage writer already finished');
    this.finished = true;
    mkdirSync(dir, { recursive: true });
    const written = new Map<string, { path: string; rows: number }>();
    for (const [table, file] of this.files) {
      const path = join(dir, `${table}.parquet`);
      file.finish(path);
      written.set(table, { path, rows: file.rows });
    }
    return written;
  }

  private openTable(table: string): TableFile {
    const type = this.types.get(table);
    if (type === undefined) throw new Error(`no event type for table ${table}`);
    this.shapes.set(table, type.columns);
    return this.openFile(table, type.columns, type.uuidColumns, 0);
  }

  private openFile(
    table: string,
    outputColumns: readonly OutputColumn[],
    uuidColumns: readonly boolean[],
    part: number,
  ): TableFile {
    const batchId = this.options.batchId;
    const fileColumns = batchId === undefined ? outputColumns : withStagedLineage(outputColumns);
    const columns = JSON.stringify(fileColumns.map(warehouseColumnOf));
    const file = new TableFile(
      join(this.options.workDir, `${table}${part === 0 ? '' : `.${part}`}.parquet.partial`),
      fileColumns,
      uuidColumns,
      [{ key: COLUMNS_METADATA_KEY, value: columns }],
      {
        rows: this.options.rowGroupSize ?? 100_000,
        bytes: this.options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES,
        pageBytes: this.options.pageBytes ?? DEFAULT_PAGE_BYTES,
      },
      batchId === undefined ? [] : [batchId],
    );
    this.files.set(table, file);
    return file;
  }
}

/** A table's staged columns with the lineage columns the core writes (constant per file) after them. */
export function withStagedLineage(columns: readonly OutputColumn[]): OutputColumn[] {
  return [...columns, ...STAGED_LINEAGE_COLUMNS.map((c) => ({ ...c, path: [] }))];
}
