/**
 * The staged files encoded for PostgreSQL's COPY FROM STDIN: binary format (the default) or CSV text,
 * streamed in chunks from the staged Parquet row groups.
 */
import { formatUnits } from '../../schemas/decimal';
import { NUMERIC_EXTRA_BYTES, putNumeric } from './postgres-numeric';
import { stagedRowGroups } from './staged-parquet-reader';
import type { MergePlan, StagedFile, WarehouseColumn } from './warehouse';

/** The staged files as CSV text (COPY ... (FORMAT csv)), `chunkRows` rows a chunk. */
export async function* csvChunks(plan: MergePlan, chunkRows: number): AsyncGenerator<string> {
  const formatters = plan.fileColumns.map(formatterFor);
  const width = formatters.length;
  for await (const { staged, rows, columns } of stagedRowGroups(plan, false)) {
    for (let start = 0; start < rows; start += chunkRows) {
      const end = Math.min(rows, start + chunkRows);
      let out = '';
      for (let i = start; i < end; i++) {
        for (let c = 0; c < width; c++) {
          if (c > 0) out += ',';
          const v = columns[c]![i];
          // CSV NULL is an unquoted empty field; every non-NULL string is quoted, so '' is "".
          if (v !== null && v !== undefined) out += formatters[c]!(v, staged);
        }
        out += '\n';
      }
      yield out;
    }
  }
}

const PG_EPOCH_MICROS = 946_684_800_000_000; // 2000-01-01T00:00:00Z, PostgreSQL's timestamp zero
const TWO_32 = 4_294_967_296;
const BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/**
 * The staged files in PostgreSQL's binary COPY format (COPY ... (FORMAT binary)), in buffers of
 * about `chunkBytes`: per row a 16-bit field count, per field a 32-bit length (-1 for NULL) and
 * the value in the type's binary send format (int8, float8, bool, text bytes, numeric for decimals,
 * and timestamptz as int64 microseconds since 2000-01-01 UTC). Strings are copied as the UTF-8 bytes the Parquet
 * file holds, never decoded to JavaScript strings; numbers and timestamps need no text at all.
 * Integers go through doubles when they fit 53 bits (no BigInt allocation per value).
 */
export async function* binaryChunks(plan: MergePlan, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  const types = plan.fileColumns.map((c) => c.type);
  const width = types.length;
  const textColumns = types.flatMap((t, c) => (t === 'string' || t === 'json' ? [c] : []));
  const decimals = types.filter((t) => t === 'decimal').length;
  const fixedBytes = 2 + width * 12 + decimals * NUMERIC_EXTRA_BYTES;
  let buf = Buffer.allocUnsafe(chunkBytes);
  BINARY_HEADER.copy(buf, 0);
  let at = BINARY_HEADER.length;

  for await (const { staged, rows, columns } of stagedRowGroups(plan, true)) {
    for (let i = 0; i < rows; i++) {
      // Make room for the whole row first: fixed-width fields plus its strings.
      let need = fixedBytes;
      for (const c of textColumns) {
        const v = columns[c]![i] as Uint8Array | string | null | undefined;
        if (v !== null && v !== undefined) need += typeof v === 'string' ? v.length * 3 : v.length;
      }
      if (at + need > buf.length) {
        if (at > 0) yield buf.subarray(0, at);
        buf = Buffer.allocUnsafe(Math.max(chunkBytes, need));
        at = 0;
      }
      buf[at] = width >>> 8;
      buf[at + 1] = width;
      at += 2;
      for (let c = 0; c < width; c++) {
        const v = columns[c]![i];
        if (v === null || v === undefined) {
          at = putInt32(buf, at, -1);
          continue;
        }
        switch (types[c]!) {
          case 'string':
          case 'json': {
            const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Uint8Array);
            const n = bytes.length;
            if (bytes.indexOf(0) !== -1) throw nulError(staged, plan.fileColumns[c]!.name);
            at = putInt32(buf, at, n);
            if (n < 64) for (let k = 0; k < n; k++) buf[at + k] = bytes[k]!;
            else buf.set(bytes, at);
            at += n;
            break;
          }
          case 'int64':
            at = putInt32(buf, at, 8);
            at = putInt64(buf, at, v as bigint | number);
            break;
          case 'double':
            at = putInt32(buf, at, 8);
            at = buf.writeDoubleBE(v as number, at);
            break;
          case 'decimal':
            at = putNumeric(buf, at, v as bigint | number);
            break;
          case 'boolean':
            at = putInt32(buf, at, 1);
            buf[at++] = v ? 1 : 0;
            break;
          case 'timestamp': {
            at = putInt32(buf, at, 8);
            const us = Number(v as bigint | number) - PG_EPOCH_MICROS;
            at = Number.isSafeInteger(us)
              ? putSafeInt64(buf, at, us)
              : buf.writeBigInt64BE(BigInt(v as bigint | number) - BigInt(PG_EPOCH_MICROS), at);
            break;
          }
        }
      }
    }
  }
  if (at + 2 > buf.length) {
    yield buf.subarray(0, at);
    buf = Buffer.allocUnsafe(2);
    at = 0;
  }
  buf[at] = 0xff;
  buf[at + 1] = 0xff;
  at += 2;
  yield buf.subarray(0, at);
}

function putInt32(buf: Buffer, at: number, v: number): number {
  buf[at] = v >>> 24;
  buf[at + 1] = v >>> 16;
  buf[at + 2] = v >>> 8;
  buf[at + 3] = v;
  return at + 4;
}

/** A signed 64-bit integer held exactly by a double (|v| < 2^53), without a BigInt. */
function putSafeInt64(buf: Buffer, at: number, v: number): number {
  const hi = Math.floor(v / TWO_32);
  return putInt32(buf, putInt32(buf, at, hi | 0), v - hi * TWO_32);
}

function putInt64(buf: Buffer, at: number, v: bigint | number): number {
  const n = Number(v);
  return Number.isSafeInteger(n) ? putSafeInt64(buf, at, n) : buf.writeBigInt64BE(BigInt(v), at);
}

function nulError(staged: StagedFile, column: string): Error {
  return new Error(
    `staged file ${staged.key}, column ${column}: PostgreSQL text cannot hold the NUL character (\\u0000)`,
  );
}

type Formatter = (value: unknown, file: StagedFile) => string;

function formatterFor(column: WarehouseColumn): Formatter {
  switch (column.type) {
    case 'string':
    case 'json':
      return (v, file) => {
        const s = v as string;
        if (s.includes('\u0000')) throw nulError(file, column.name);
        return s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`;
      };
    case 'int64':
      return (v) => String(v);
    case 'double':
      // Shortest round-trip text; NaN, Infinity and -Infinity are PostgreSQL's spellings too.
      return (v) => (Object.is(v, -0) ? '-0' : String(v));
    case 'decimal':
      // The staged units (the reader leaves them unscaled) as exact decimal text.
      return (v) => formatUnits(v as bigint | number);
    case 'boolean':
      return (v) => (v ? 'true' : 'false');
    case 'timestamp':
      return (v) => microsToIso(v as bigint | number);
  }
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = Number.NaN;
let cachedDayText = '';

/**
 * UTC microseconds since the epoch to `YYYY-MM-DDTHH:MM:SS.ffffffZ`. It runs for every timestamp
 * of every loaded row, so the date part is cached per day and the rest is arithmetic: a Date and
 * toISOString per value was half of the CSV formatting time.
 */
export function microsToIso(micros: bigint | number): string {
  const us = typeof micros === 'bigint' ? Number(micros) : micros;
  // Doubles hold integers exactly up to 2^53 µs (year 2255); beyond that, or before year 1, exact BigInt arithmetic.
  if (!Number.isSafeInteger(us) || us < -62_135_596_800_000_000) return microsToIsoExact(BigInt(micros));
  let sec = Math.floor(us / 1e6);
  let fraction = us - sec * 1e6;
  if (fraction < 0) {
    sec -= 1;
    fraction += 1e6;
  } else if (fraction >= 1e6) {
    sec += 1;
    fraction -= 1e6;
  }
  const day = Math.floor(sec / 86_400);
  let time = sec - day * 86_400;
  if (day !== cachedDay) {
    cachedDayText = new Date(day * 86_400_000).toISOString().slice(0, 11);
    cachedDay = day;
  }
  const hours = Math.floor(time / 3600);
  time -= hours * 3600;
  const minutes = Math.floor(time / 60);
  return `${cachedDayText}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[time - minutes * 60]}.${String(fraction + 1e6).slice(1)}Z`;
}

function microsToIsoExact(us: bigint): string {
  let ms = us / 1000n;
  let rest = us % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
