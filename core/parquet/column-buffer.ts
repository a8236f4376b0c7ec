/**
 * The values of one column's page being filled, copied in as they arrive and laid out as the body
 * of a Parquet PLAIN data page: text as 4-byte length + UTF-8 bytes, numbers as 8 bytes, booleans
 * as bits. Nothing keeps the pushed JS values: strings from JSON.parse can be slices of a whole
 * decoded chunk and would keep it alive. Values given as bytes of a scanned chunk are copied too;
 * only a view of the last such chunk is kept, until the page closes (see `source`).
 */
import { endianness } from 'node:os';
import type { ColumnType } from '../../schemas/column-types';

// Numbers are laid out through typed arrays, which use the host's byte order; Parquet's is little-endian.
if (endianness() !== 'LE') throw new Error('the Parquet stage writer needs a little-endian host');

/**
 * Node's own string writers behind `buf.write(s, offset, encoding)`, without its argument checks
 * (measured on the corpus's uuids, one call a value: latin1Write 76-80 ns, buf.write 100-119 ns,
 * a charCodeAt loop 122-148 ns, utf8Write 108 ns). Not in Node's typings, so checked here once.
 */
interface StringWriters {
  latin1Write(text: string, offset: number): number;
  utf8Write(text: string, offset: number): number;
}
type TextBuffer = Buffer & StringWriters;
const writers = Buffer.prototype as unknown as Partial<StringWriters>;
if (typeof writers.latin1Write !== 'function' || typeof writers.utf8Write !== 'function') {
  throw new Error('this Node has no Buffer#latin1Write/utf8Write: the Parquet stage writer needs them');
}

/**
 * Bytes kept free before the values, where a page's definition levels go when the column has no
 * null (at most 10 bytes): the page is then compressed straight from this buffer, without a copy.
 */
export const HEAD_ROOM = 16;

const TEXT = 0;
const UUID = 1;
const INT64 = 2;
const DOUBLE = 3;
const BOOLEAN = 4;

const UUID_LENGTH = 36;
/** Sets bit 5 of each byte of a word: lower-cases A-F and leaves digits and '-' (which have it) as they are. */
const LOWER_CASE_WORD = 0x20202020;
/**
 * Scanned text up to this length is copied 4 bytes at a time through DataViews, longer text by
 * `Uint8Array#set`, which costs about 100 ns a call here before it copies anything. Measured one
 * call a value, pinned to one core (2026-11-23, ns a value, steady repetitions): 10-byte text:
 * words 25-29, a byte loop 47-56, Buffer#copy 84-172, set(subarray) 87-199; 30 bytes: words 27-52,
 * byte loop 66-135, copy/set 88-200; 128 bytes: words 171-177, copy/set 178-210; 256 bytes:
 * words 233-590, copy/set 100-400.
 */
const WORD_COPY_MAX = 128;

/**
 * Bytes of values a column's buffer starts with; it doubles as values come, up to a page. A batch
 * of many small tables (300 inferred types) then allocates what its rows fill rather than a page
 * per column and part: ~150 MB zeroed for the ~2,400 columns of 80,000 records of 300 types
 * (docs/benchmarks.md, "Many event types in the core").
 */
export const INITIAL_VALUE_BYTES = 1024;

/** Rows of a page made of nulls only, which fill no bytes: its definition levels are the bound. */
const MAX_PAGE_ROWS = 1 << 20;
const TWO_32 = 4294967296;

export interface PageStatistics {
  nulls: number;
  /** Over the non-null values of int64, timestamp and double columns; absent for the others. */
  min?: number;
  max?: number;
}

export interface EncodedPage {
  /** The PLAIN values are `buffer[HEAD_ROOM, bodyEnd)`; the buffer is reused by the next page. */
  buffer: Buffer;
  bodyEnd: number;
  /** Rows of the page, nulls included. */
  rows: number;
  /** One definition level (0 null, 1 value) per row; undefined when every row has a value. */
  levels: Uint8Array | undefined;
  statistics: PageStatistics;
}

export class ColumnBuffer {
  private readonly kind: number;
  /** Where a page is full: text end offset, count of numbers, count of booleans. */
  private readonly textLimit: number;
  private readonly valueLimit: number;
  private data: TextBuffer;
  /** Over `data`: where scanned bytes are written a word at a time. */
  private view: DataView;
  private numbers: Float64Array;
  /** Numbers and booleans: values the buffer holds now, at most valueLimit (then the page is full). */
  private room: number;
  /**
   * The chunk scanned values last came from, and a view of it, made once per chunk rather than per
   * value. It keeps that one chunk alive until the page closes (every column of a table holds the
   * chunk of the table's last row, so one chunk per table at most).
   */
  private source: Uint8Array | undefined;
  private sourceView: DataView | undefined;
  /** Write position in `data` (text), from HEAD_ROOM. */
  private end = HEAD_ROOM;
  /** Rows of this page, nulls included, and values (the non-null ones). */
  rows = 0;
  private count = 0;
  private levels: Uint8Array | undefined;

  /**
   * `uuids`: the column holds validated uuids (see `uuid`). `onFull` is
   * called once a page holds `pageBytes` of values (the last value may pass it); it must encode
   * the page and reset this buffer.
   */
  constructor(
    type: ColumnType,
    uuids: boolean,
    pageBytes: number,
    private readonly onFull: () => void,
  ) {
    this.kind =
      type === 'string' || type === 'json'
        ? uuids
          ? UUID
          : TEXT
        : type === 'double'
          ? DOUBLE
          : type === 'boolean'
            ? BOOLEAN
            : INT64;
    this.textLimit = HEAD_ROOM + pageBytes;
    this.valueLimit = this.kind === BOOLEAN ? pageBytes : Math.max(1, pageBytes >> 3);
    const pageSize = this.kind === BOOLEAN ? this.valueLimit : this.kind <= UUID ? pageBytes + 64 : 8 * this.valueLimit;
    this.data = Buffer.from(new ArrayBuffer(HEAD_ROOM + Math.min(pageSize, INITIAL_VALUE_BYTES))) as TextBuffer;
    this.view = new DataView(this.data.buffer);
    this.numbers = new Float64Array(this.data.buffer, HEAD_ROOM, (this.data.length - HEAD_ROOM) >> 3);
    this.room = this.roomOf();
  }

  private roomOf(): number {
    const held = this.kind === BOOLEAN ? this.data.length - HEAD_ROOM : this.numbers.length;
    return Math.min(this.valueLimit, held);
  }

  /** A number or boolean filled the room: the page is full, or the buffer doubles. */
  private roomFilled(): void {
    if (this.count >= this.valueLimit) this.onFull();
    else this.grow(this.data.length + 1);
  }

  /** Bytes of values held now, before encoding. */
  get bytes(): number {
    return this.kind <= UUID ? this.end - HEAD_ROOM : this.kind === BOOLEAN ? this.count >> 3 : this.count * 8;
  }

  /** The method that takes this column's values (TableFile's pushers switch on it; text and uuid columns also take bytes). */
  get pushMethod(): 'text' | 'uuid' | 'number' | 'boolean' {
    return this.kind === TEXT ? 'text' : this.kind === UUID ? 'uuid' : this.kind === BOOLEAN ? 'boolean' : 'number';
  }

  text(value: unknown): void {
    if (value === null || value === undefined) return this.pushNull();
    this.present();
    this.writeUtf8(value as string);
    if (this.end >= this.textLimit) this.onFull();
  }

  /**
   * For uuid columns, whose values the catalog validated (36 characters, hex digits and dashes):
   * as ASCII they are their own UTF-8, and latin1Write copies them at about 70 % of utf8Write's
   * cost. A value of another length would break that promise and is written as UTF-8.
   */
  uuid(value: unknown): void {
    if (value === null || value === undefined) return this.pushNull();
    this.present();
    const s = value as string;
    if (s.length !== UUID_LENGTH) {
      this.writeUtf8(s);
    } else {
      if (this.end + 4 + UUID_LENGTH > this.data.length) this.grow(this.end + 4 + UUID_LENGTH);
      const data = this.data,
        at = this.end;
      data.latin1Write(s, at + 4);
      data[at] = UUID_LENGTH;
      data[at + 1] = data[at + 2] = data[at + 3] = 0;
      this.end = at + 4 + UUID_LENGTH;
      this.count++;
    }
    if (this.end >= this.textLimit) this.onFull();
  }

  /**
   * A uuid column's value as the 36 bytes of `src` from `at`, which the caller validated (hex
   * digits in either case, dashes at 8, 13, 18, 23): written lower-cased, as `uuid` writes the
   * validated string, 4 bytes at a time (25-48 ns a value against 92-138 for a byte loop and
   * 126-260 for Buffer#copy or set plus a lower-casing loop, measured as WORD_COPY_MAX says).
   */
  uuidBytes(src: Uint8Array, at: number): void {
    this.present();
    if (this.end + 4 + UUID_LENGTH > this.data.length) this.grow(this.end + 4 + UUID_LENGTH);
    const from = this.viewOf(src),
      to = this.view,
      start = this.end + 4;
    to.setUint32(this.end, UUID_LENGTH, true);
    for (let k = 0; k < UUID_LENGTH; k += 4)
      to.setUint32(start + k, from.getUint32(at + k, true) | LOWER_CASE_WORD, true);
    this.end = start + UUID_LENGTH;
    this.count++;
    if (this.end >= this.textLimit) this.onFull();
  }

  /** A text column's value as the bytes `src[start, end)`, already its UTF-8: copied as they are. */
  textBytes(src: Uint8Array, start: number, end: number): void {
    this.present();
    const n = end - start;
    if (this.end + 4 + n > this.data.length) this.grow(this.end + 4 + n);
    const data = this.data,
      to = this.view,
      at = this.end + 4;
    to.setUint32(this.end, n, true);
    if (n > WORD_COPY_MAX) {
      data.set(src.subarray(start, end), at);
    } else {
      const from = this.viewOf(src);
      let k = 0;
      for (; k + 4 <= n; k += 4) to.setUint32(at + k, from.getUint32(start + k, true), true);
      for (; k < n; k++) data[at + k] = src[start + k]!;
    }
    this.end = at + n;
    this.count++;
    if (this.end >= this.textLimit) this.onFull();
  }

  private viewOf(src: Uint8Array): DataView {
    if (src !== this.source) {
      this.source = src;
      this.sourceView = new DataView(src.buffer, src.byteOffset, src.byteLength);
    }
    return this.sourceView!;
  }

  private writeUtf8(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (an astral pair: 4 bytes for 2 units).
    if (this.end + 4 + 3 * s.length > this.data.length) this.grow(this.end + 4 + 3 * s.length);
    const n = this.data.utf8Write(s, this.end + 4);
    const data = this.data,
      at = this.end;
    data[at] = n;
    data[at + 1] = n >>> 8;
    data[at + 2] = n >>> 16;
    data[at + 3] = n >>> 24;
    this.end = at + 4 + n;
    this.count++;
  }

  number(value: unknown): void {
    if (value === null || value === undefined) return this.pushNull();
    this.present();
    this.numbers[this.count++] = value as number;
    if (this.count === this.room) this.roomFilled();
  }

  boolean(value: unknown): void {
    if (value === null || value === undefined) return this.pushNull();
    this.present();
    this.data[HEAD_ROOM + this.count++] = value ? 1 : 0;
    if (this.count === this.room) this.roomFilled();
  }

  private present(): void {
    if (this.levels !== undefined) this.level(1);
    else this.rows++;
  }

  private pushNull(): void {
    if (this.levels === undefined) {
      this.levels = new Uint8Array(Math.max(1024, this.rows * 2));
      this.levels.fill(1, 0, this.rows);
    }
    this.level(0);
    if (this.rows === MAX_PAGE_ROWS) this.onFull();
  }

  private level(value: number): void {
    if (this.rows >= this.levels!.length) {
      const wider = new Uint8Array(this.levels!.length * 2);
      wider.set(this.levels!);
      this.levels = wider;
    }
    this.levels![this.rows++] = value;
  }

  /**
   * Doubles the buffer until it holds `needed` bytes: text as values come (or a value longer than
   * a page), numbers and booleans up to a page (past it, they close the page instead).
   */
  private grow(needed: number): void {
    let size = this.data.length * 2;
    while (size < needed) size *= 2;
    const data = Buffer.from(new ArrayBuffer(size)) as TextBuffer;
    const used = this.kind <= UUID ? this.end : HEAD_ROOM + (this.kind === BOOLEAN ? this.count : 8 * this.count);
    this.data.copy(data, 0, 0, used);
    this.data = data;
    this.view = new DataView(data.buffer);
    this.numbers = new Float64Array(data.buffer, HEAD_ROOM, (size - HEAD_ROOM) >> 3);
    this.room = this.roomOf();
  }

  /** Turns the values into the PLAIN page body, in place. Call `reset` once the page is written. */
  encode(): EncodedPage {
    const statistics: PageStatistics = { nulls: this.rows - this.count };
    let bodyEnd: number;
    if (this.kind <= UUID) {
      bodyEnd = this.end;
    } else if (this.kind === BOOLEAN) {
      bodyEnd = HEAD_ROOM + packBits(this.data, this.count);
    } else {
      bodyEnd = HEAD_ROOM + 8 * this.count;
      if (this.count > 0) {
        const { min, max } =
          this.kind === INT64 ? int64InPlace(this.numbers, this.count) : rangeOf(this.numbers, this.count);
        if (min <= max) Object.assign(statistics, { min, max });
      }
    }
    const levels = this.levels === undefined ? undefined : this.levels.subarray(0, this.rows);
    return { buffer: this.data, bodyEnd, rows: this.rows, levels, statistics };
  }

  reset(): void {
    this.end = HEAD_ROOM;
    this.rows = 0;
    this.count = 0;
    this.levels = undefined;
    this.source = this.sourceView = undefined;
  }
}

/**
 * Rewrites each double (a safe integer) as its two's-complement int64, in place: the low and high
 * 32-bit words, little-endian. Exact for any integral double below 2^63 in magnitude: x >>> 0 is x
 * modulo 2^32, and x / 2^32 is exact, so its floor is the high word. Returns the range.
 */
function int64InPlace(numbers: Float64Array, count: number): { min: number; max: number } {
  const words = new Int32Array(numbers.buffer, numbers.byteOffset, count * 2);
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = numbers[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    words[2 * i] = v >>> 0;
    words[2 * i + 1] = Math.floor(v / TWO_32);
  }
  return { min, max };
}

/** Min and max of the doubles; NaN is left out, and a zero bound is -0 for min and +0 for max, as the Parquet spec asks. */
function rangeOf(numbers: Float64Array, count: number): { min: number; max: number } {
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = numbers[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min: min === 0 ? -0 : min, max: max === 0 ? 0 : max };
}

/**
 * Packs the 0/1 bytes at HEAD_ROOM into bits (first value in the lowest bit), in place: byte j is
 * written after reading bytes 8j..8j+7, at or after j. Returns the packed length.
 */
function packBits(data: Buffer, count: number): number {
  const packed = (count + 7) >> 3;
  for (let j = 0; j < packed; j++) {
    const from = HEAD_ROOM + 8 * j;
    let byte = 0;
    for (let k = 0; k < 8 && 8 * j + k < count; k++) byte |= data[from + k]! << k;
    data[HEAD_ROOM + j] = byte;
  }
  return packed;
}
