/**
 * One column's part of the row group being built: its pages, compressed as soon as each is full,
 * so only a page of raw values per column is held (cache-sized), and the chunk's statistics.
 */
import type { ColumnType } from '../../schemas/column-types';
import { ColumnBuffer } from './column-buffer';
import { dataPage } from './data-page';

export interface ChunkStatistics {
  nulls: number;
  min?: number;
  max?: number;
}

export interface FinishedChunk {
  /** Page headers and bodies, in file order. */
  parts: Uint8Array[];
  bytes: number;
  uncompressedBytes: number;
  /** Rows, nulls included. */
  values: number;
  statistics: ChunkStatistics;
}

export class ColumnChunk {
  /** Where pushes go; a full page is moved out of it by `closePage`. */
  readonly values: ColumnBuffer;
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private uncompressedBytes = 0;
  private rows = 0;
  private statistics: ChunkStatistics = { nulls: 0 };

  constructor(type: ColumnType, uuids: boolean, pageBytes: number) {
    this.values = new ColumnBuffer(type, uuids, pageBytes, () => this.closePage());
  }

  /** Bytes of values taken so far, before compression: what the row group's byte budget counts. */
  get rawBytes(): number {
    return this.uncompressedBytes + this.values.bytes;
  }

  private closePage(): void {
    const encoded = this.values.encode();
    const page = dataPage(encoded);
    this.values.reset();
    this.parts.push(page.header, page.body);
    this.bytes += page.header.length + page.body.length;
    this.uncompressedBytes += page.header.length + page.uncompressedSize;
    this.rows += encoded.rows;
    const s = this.statistics,
      p = encoded.statistics;
    s.nulls += p.nulls;
    if (p.min !== undefined && p.max !== undefined) {
      if (s.min === undefined || p.min < s.min) s.min = p.min;
      if (s.max === undefined || p.max > s.max) s.max = p.max;
    }
  }

  /** Closes the last page and hands over the chunk; the column starts a new one. */
  finish(): FinishedChunk {
    if (this.values.rows > 0) this.closePage();
    const chunk: FinishedChunk = {
      parts: this.parts,
      bytes: this.bytes,
      uncompressedBytes: this.uncompressedBytes,
      values: this.rows,
      statistics: this.statistics,
    };
    this.parts = [];
    this.bytes = this.uncompressedBytes = this.rows = 0;
    this.statistics = { nulls: 0 };
    return chunk;
  }
}
