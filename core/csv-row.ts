/**
 * One staged row as a CSV line, with a formatter per column chosen from the schema's column types:
 * a row is written for every staged event, and a generic field formatter (type test and quoting
 * regex on every value) measured about 1.5 times the cost (docs/benchmarks.md).
 *
 * The text is what DuckDB's CSV reader gets in DuckDbStageWriter: NULL is an unquoted empty field,
 * the empty string is `""` (read with allow_quoted_nulls=false); numbers print exactly (shortest
 * round trip); timestamps are UTC microseconds.
 */
import type { OutputColumn } from '../schemas/column-types';

type Format = (value: unknown) => string;

const NEEDS_QUOTES = /[",\n\r]/;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = value as string;
  return s === '' || NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Validated uuids hold only hex digits and dashes: never quoted. */
function uuid(value: unknown): string {
  return value === null || value === undefined ? '' : (value as string);
}

function integer(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * Doubles as String() prints them (the shortest text that reads back the same), with a fast path
 * for values of at most two decimals such as 62.3 or 4.99, which String() prints at about 2.7
 * times the cost: when k / 100 reads back as the value, no text with fewer digits can (doubles
 * below 2^31 / 100 lie far closer together than 0.01), so k's digits are the shortest text.
 */
function double(value: unknown): string {
  if (value === null || value === undefined) return '';
  const v = value as number;
  if (Number.isInteger(v)) return String(v);
  const k = Math.round(v * 100);
  if (k > 0 && k < 2147483647 && k / 100 === v) {
    const whole = Math.floor(k / 100);
    const cents = k - whole * 100;
    return cents % 10 === 0 ? `${whole}.${cents / 10}` : `${whole}.${cents < 10 ? '0' : ''}${cents}`;
  }
  return String(v);
}

function boolean(value: unknown): string {
  return value === null || value === undefined ? '' : value ? 'true' : 'false';
}

const HIGH = 1e8;

/**
 * Microseconds since 2000 have 16 digits, past the small integers V8 prints fast: printed as two
 * halves below 10^8 each (measured ~1.5x faster than String() on this corpus).
 */
function micros(value: unknown): string {
  if (value === null || value === undefined) return '';
  const m = value as number;
  if (!(m >= HIGH && m < 9e15 && Number.isInteger(m))) return String(m);
  const high = Math.floor(m / HIGH);
  const low = m - high * HIGH;
  return `${high}${String(low + HIGH).slice(1)}`;
}

/** A function from a row (in column order) to its CSV line, without the line break. */
export function csvRowFormatter(columns: readonly OutputColumn[], uuidColumns: readonly boolean[]): (row: readonly unknown[]) => string {
  const formats: Format[] = columns.map((column, i) => {
    switch (column.type) {
      case 'string':
        return uuidColumns[i] ? uuid : text;
      case 'json':
        return text;
      case 'int64':
        return integer;
      case 'double':
        return double;
      case 'boolean':
        return boolean;
      case 'timestamp':
        return micros;
    }
  });
  const fields = new Array<string>(formats.length);
  return (row) => {
    for (let i = 0; i < formats.length; i++) fields[i] = formats[i]!(row[i]);
    // One flat string: joining the fields measured faster than appending them one by one.
    return fields.join(',');
  };
}
