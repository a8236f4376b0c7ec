/** Buffers one table's valid rows column by column and hands full row groups to its Parquet writer. */
import type { OutputColumn } from '../schemas/column-types';
import { ParquetTableWriter } from './parquet-table-writer';

export const DEFAULT_ROW_GROUP_SIZE = 100_000;

export class TableBuffer {
  private columnValues: unknown[][];
  private buffered = 0;
  private writer: ParquetTableWriter | undefined;

  constructor(
    readonly table: string,
    readonly columns: readonly OutputColumn[],
    readonly path: string,
    private readonly rowGroupSize = DEFAULT_ROW_GROUP_SIZE,
  ) {
    this.columnValues = columns.map(() => []);
  }

  push(row: readonly unknown[]): void {
    const values = this.columnValues;
    for (let i = 0; i < values.length; i++) values[i]!.push(row[i]);
    if (++this.buffered >= this.rowGroupSize) this.flush();
  }

  /** Rows written so far plus rows still buffered. */
  get rows(): number {
    return (this.writer?.rows ?? 0) + this.buffered;
  }

  private flush(): void {
    if (this.buffered === 0) return;
    this.writer ??= new ParquetTableWriter(this.path, this.columns);
    this.writer.writeRowGroup(this.columnValues, this.buffered);
    this.columnValues = this.columns.map(() => []);
    this.buffered = 0;
  }

  /** Writes what is left and the footer; returns the row count. */
  close(): number {
    this.flush();
    this.writer?.close();
    return this.writer?.rows ?? 0;
  }
}
