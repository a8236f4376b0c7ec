/**
 * Writes a batch's tables to Parquet: rows become CSV lines in a file per table as they come, and
 * at the end DuckDB's CSV reader and Parquet writer turn each file into the staged Parquet. Of the
 * ways measured (docs/benchmarks.md) this was the fastest: JS writers cost ~12 µs a row, DuckDB's
 * appender ~4.2 µs, CSV text into DuckDB ~2.6 µs. Memory stays bounded: text is flushed to disk.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnType, OutputColumn } from '../schemas/column-types';
import type { EventType } from '../schemas/define-event';
import { csvRowFormatter } from './csv-row';
import { LineFile } from './line-file';

export const COLUMNS_METADATA_KEY = 'loadout.columns';

/** How each column is read back from the CSV: timestamps travel as microseconds. */
const CSV_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR', json: 'VARCHAR', int64: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN', timestamp: 'BIGINT',
};

function outputExpression(column: OutputColumn): string {
  const name = `"${column.name}"`;
  return column.type === 'timestamp' ? `CAST(make_timestamp(${name}) AS TIMESTAMPTZ) AS ${name}` : name;
}

class TableStage {
  private readonly file: LineFile;
  private readonly format: (row: readonly unknown[]) => string;

  constructor(readonly type: EventType, readonly csvPath: string) {
    this.file = new LineFile(csvPath);
    this.format = csvRowFormatter(type.columns, type.uuidColumns);
  }

  get rows(): number {
    return this.file.lines;
  }

  push(row: readonly unknown[]): void {
    this.file.appendLine(this.format(row));
  }

  flush(): void {
    this.file.flush();
  }
}

export interface StageWriterOptions {
  workDir: string;
  /** DuckDB's memory limit while it writes Parquet; past it, it spills to workDir. */
  memoryLimit?: string;
  rowGroupSize?: number;
}

export class DuckDbStageWriter {
  private readonly stages = new Map<string, TableStage>();

  private constructor(private readonly options: StageWriterOptions) {}

  /** A CSV file per event type of the catalog, in the work directory. */
  static async open(types: readonly EventType[], options: StageWriterOptions): Promise<DuckDbStageWriter> {
    mkdirSync(options.workDir, { recursive: true });
    const writer = new DuckDbStageWriter(options);
    for (const type of types) writer.stages.set(type.table, new TableStage(type, join(options.workDir, `${type.table}.csv`)));
    return writer;
  }

  push(table: string, row: readonly unknown[]): void {
    this.stages.get(table)!.push(row);
  }

  /**
   * Writes every buffered line out. Called at each decoded chunk's end: JSON.parse returns strings
   * that are slices of the decoded chunk, so buffered rows of a sparse table would otherwise keep
   * hundreds of old chunks alive (measured: 100+ MB for a million events).
   */
  flushAll(): void {
    for (const stage of this.stages.values()) stage.flush();
  }

  rowsOf(table: string): number {
    return this.stages.get(table)?.rows ?? 0;
  }

  /** Writes `{dir}/{table}.parquet` for every table with rows; returns their row counts. */
  async finish(dir: string): Promise<Map<string, { path: string; rows: number }>> {
    this.flushAll();
    const written = new Map<string, { path: string; rows: number }>();
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: this.options.memoryLimit ?? '128MB',
      temp_directory: join(this.options.workDir, 'duckdb-spill'),
      preserve_insertion_order: 'true',
    });
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      for (const [table, stage] of this.stages) {
        if (stage.rows === 0) continue;
        const path = join(dir, `${table}.parquet`);
        const columns = stage.type.columns;
        const metadata = JSON.stringify(columns.map(({ name, type, nullable }) => ({ name, type, nullable })));
        const csvColumns = columns.map((c) => `'${c.name}': '${CSV_TYPE[c.type]}'`).join(', ');
        // Every setting of the dialect is given, and this file's writer is the only author of
        // the text: no sniffing (auto_detect) of a sample, which measured ~10 % of this step.
        await connection.run(
          `COPY (SELECT ${columns.map(outputExpression).join(', ')} FROM read_csv('${quote(stage.csvPath)}', header = false, delim = ',', ` +
            `quote = '"', escape = '"', allow_quoted_nulls = false, parallel = false, auto_detect = false, columns = {${csvColumns}})) ` +
            `TO '${quote(path)}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${this.options.rowGroupSize ?? 100_000}, ` +
            `KV_METADATA {'${COLUMNS_METADATA_KEY}': '${quote(metadata)}'})`,
        );
        written.set(table, { path, rows: stage.rows });
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    return written;
  }
}

/** Paths and metadata inside single-quoted SQL strings (written by this module, never event data). */
function quote(text: string): string {
  return text.replaceAll("'", "''");
}
