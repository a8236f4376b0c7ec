/**
 * One table's Parquet file, written a row group at a time as rows come: each column's pages
 * (version 1, PLAIN values, RLE definition levels, SNAPPY; see ColumnChunk), column after column,
 * then the footer, which hyparquet-writer serialises.
 */
import { closeSync, openSync, renameSync, writevSync } from 'node:fs';
import type { ColumnChunk as ChunkMetadata, FileMetaData, KeyValue, RowGroup, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import type { OutputColumn } from '../../schemas/column-types';
import type { ColumnBuffer } from './column-buffer';
import { ColumnChunk, type ChunkStatistics } from './column-chunk';
import { parquetSchemaOf } from './parquet-schema';

const MAGIC = Buffer.from('PAR1', 'latin1');
/** No version, time or host in the file: the same rows give the same bytes on a retry. */
const CREATED_BY = 'loadout';
/** Rows between two checks of the byte budget: a row group overshoots it by at most this many rows. */
const BUDGET_CHECK_ROWS = 64;

export interface FileLimits {
  /** Rows per row group. */
  rows: number;
  /** Bytes of values per row group (before compression) over all columns. */
  bytes: number;
  /** Bytes of values per page and column. */
  pageBytes: number;
}

/** Hands a scanned row's values to their columns: see TableFile#pushScanned. */
type ScannedPusher = (src: Uint8Array, values: readonly unknown[], starts: Int32Array, ends: Int32Array) => void;

export class TableFile {
  private readonly chunks: ColumnChunk[];
  private readonly pushValues: (row: readonly unknown[]) => void;
  private readonly pushScannedValues: ScannedPusher;
  private readonly schema: SchemaElement[];
  private readonly rowGroups: RowGroup[] = [];
  /** Bytes written to the file so far. */
  private offset = 0;
  private groupRows = 0;
  rows = 0;

  /** Pushes `constants` into the last columns, once per row. */
  private readonly pushConstants: ((row: readonly unknown[]) => void) | undefined;

  /**
   * Writes to `partialPath` until `finish` moves the complete file to its name. The last
   * `constants.length` columns hold the same value on every row (a staged file's batch id): rows
   * are pushed without them.
   */
  constructor(
    readonly partialPath: string,
    columns: readonly OutputColumn[],
    uuidColumns: readonly boolean[],
    private readonly keyValues: KeyValue[],
    private readonly limits: FileLimits,
    private readonly constants: readonly unknown[] = [],
  ) {
    this.chunks = columns.map((c, i) => new ColumnChunk(c.type, uuidColumns[i] === true, limits.pageBytes));
    const pushed = this.chunks.slice(0, this.chunks.length - constants.length).map((c) => c.values);
    if (constants.length > 0) this.pushConstants = valuePusher(this.chunks.slice(pushed.length).map((c) => c.values));
    this.pushValues = valuePusher(pushed);
    this.pushScannedValues = scannedValuePusher(pushed);
    this.schema = parquetSchemaOf(columns);
  }

  push(row: readonly unknown[]): void {
    this.pushValues(row);
    this.rowPushed();
  }

  /**
   * One row of a scanned chunk: column i's value is the UTF-8 bytes `src[starts[i], ends[i])` when
   * `starts[i] >= 0` (uuid columns: 36 validated bytes from `starts[i]`, lower-cased as written),
   * else `values[i]`, as `push` takes it. Number and boolean columns always take `values[i]`.
   */
  pushScanned(src: Uint8Array, values: readonly unknown[], starts: Int32Array, ends: Int32Array): void {
    this.pushScannedValues(src, values, starts, ends);
    this.rowPushed();
  }

  /** Counts a row whose values are in; writes the row group once it is full. */
  private rowPushed(): void {
    this.pushConstants?.(this.constants);
    this.rows++;
    const groupRows = ++this.groupRows;
    if (
      groupRows >= this.limits.rows ||
      (groupRows % BUDGET_CHECK_ROWS === 0 && this.rawBytes() >= this.limits.bytes)
    ) {
      this.append(this.rowGroup());
    }
  }

  /** Writes the last row group and the footer, then gives the file its name. */
  finish(path: string): void {
    const parts = this.groupRows > 0 ? this.rowGroup() : [];
    parts.push(this.footer());
    this.append(parts);
    renameSync(this.partialPath, path);
  }

  private rawBytes(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.rawBytes;
    return bytes;
  }

  /** The row group's column chunks, in column order; its metadata goes to the footer. */
  private rowGroup(): Uint8Array[] {
    const parts: Uint8Array[] = [];
    let at = this.offset === 0 ? MAGIC.length : this.offset;
    const start = at;
    const columns: ChunkMetadata[] = [];
    let uncompressed = 0;
    for (const [i, chunk] of this.chunks.entries()) {
      const element = this.schema[i + 1]!;
      const done = chunk.finish();
      columns.push({
        file_offset: BigInt(at),
        meta_data: {
          type: element.type!,
          encodings: ['PLAIN'],
          path_in_schema: [element.name],
          codec: 'SNAPPY',
          num_values: BigInt(done.values),
          total_uncompressed_size: BigInt(done.uncompressedBytes),
          total_compressed_size: BigInt(done.bytes),
          data_page_offset: BigInt(at),
          statistics: statisticsOf(done.statistics, element.converted_type === 'DECIMAL'),
        },
      });
      parts.push(...done.parts);
      at += done.bytes;
      uncompressed += done.uncompressedBytes;
    }
    this.rowGroups.push({
      columns,
      total_byte_size: BigInt(uncompressed),
      num_rows: BigInt(this.groupRows),
      file_offset: BigInt(start),
      total_compressed_size: BigInt(at - start),
    });
    this.groupRows = 0;
    return parts;
  }

  private footer(): Uint8Array {
    const metadata: FileMetaData = {
      version: 1,
      schema: this.schema,
      num_rows: BigInt(this.rows),
      row_groups: this.rowGroups,
      key_value_metadata: this.keyValues,
      created_by: CREATED_BY,
      metadata_length: 0, // not serialised: writeMetadata appends the real length
    };
    const writer = new ByteWriter(4096);
    writeMetadata(writer, metadata);
    writer.appendBytes(MAGIC);
    return writer.getBytes();
  }

  /**
   * Appends to the file, which is open only for this call: a batch that fails between two row
   * groups (a corrupt object) leaves no descriptor behind, and the caller has no close to call.
   */
  private append(parts: Uint8Array[]): void {
    const first = this.offset === 0;
    const fd = openSync(this.partialPath, first ? 'w' : 'a');
    try {
      this.offset += writeAll(fd, first ? [MAGIC, ...parts] : parts);
    } finally {
      closeSync(fd);
    }
  }
}

const TEXT = 0,
  UUID = 1,
  NUMBER = 2,
  BOOLEAN = 3;

/** Each column's push method, as a code for the pushers' switch. */
function methodCodes(columns: readonly ColumnBuffer[]): Uint8Array {
  const codes = { text: TEXT, uuid: UUID, number: NUMBER, boolean: BOOLEAN } as const;
  return Uint8Array.from(columns.map((c) => codes[c.pushMethod]));
}

/**
 * Hands a row's values to their columns. One loop for every table, with a call site per method in
 * its switch, so each site sees one kind of value and V8 inlines it. The code generated per table
 * that this replaced ran no faster and cost its own optimising compiles per table (166 ms of the
 * bench's one core went to compiling the scanned pushers: docs/benchmarks.md).
 */
function valuePusher(columns: readonly ColumnBuffer[]): (row: readonly unknown[]) => void {
  const codes = methodCodes(columns);
  return (row) => {
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      switch (codes[i]) {
        case TEXT:
          c.text(row[i]);
          break;
        case UUID:
          c.uuid(row[i]);
          break;
        case NUMBER:
          c.number(row[i]);
          break;
        default:
          c.boolean(row[i]);
      }
    }
  };
}

/** The twin of valuePusher for scanned rows: bytes when the column has a range, else the JS value. */
function scannedValuePusher(columns: readonly ColumnBuffer[]): ScannedPusher {
  const codes = methodCodes(columns);
  return (src, values, starts, ends) => {
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      switch (codes[i]) {
        case TEXT:
          if (starts[i]! >= 0) c.textBytes(src, starts[i]!, ends[i]!);
          else c.text(values[i]);
          break;
        case UUID:
          if (starts[i]! >= 0) c.uuidBytes(src, starts[i]!);
          else c.uuid(values[i]);
          break;
        case NUMBER:
          c.number(values[i]);
          break;
        default:
          c.boolean(values[i]);
      }
    }
  };
}

/**
 * Writes the parts in one writev call: a write call per page header and body cost 0.1 s for a batch
 * of 300 small tables. libuv's synchronous write loops over short writes and IOV_MAX itself
 * (uv__fs_write_all), so a shorter count means the disk refused the rest.
 */
function writeAll(fd: number, parts: readonly Uint8Array[]): number {
  let total = 0;
  for (const part of parts) total += part.length;
  const written = writevSync(fd, parts as Uint8Array[]);
  if (written !== total) throw new Error(`short write to a staged file: ${written} of ${total} bytes`);
  return total;
}

/** A decimal column's bounds are its units: as bigints, which hyparquet-writer writes unscaled. */
function statisticsOf(s: ChunkStatistics, decimal: boolean) {
  const bound = (v: number | undefined) => (decimal && v !== undefined ? BigInt(v) : v);
  const [min, max] = [bound(s.min), bound(s.max)];
  const range = min === undefined ? {} : { min, max, min_value: min, max_value: max };
  return { null_count: BigInt(s.nulls), ...range };
}
