/**
 * One format for query results on every warehouse, so `loadout query --json` and `loadout report
 * --json` print the same document from DuckDB, PostgreSQL and Redshift:
 * - timestamps (with or without a zone; sessions run in UTC): `2026-10-14T00:00:00.000000Z`, six
 *   fractional digits, so the text sorts as the time does;
 * - dates: `2026-10-14`;
 * - integers (BIGINT, HUGEINT, NUMERIC/DECIMAL of scale 0): a JSON number when it is a safe
 *   integer, else its decimal text;
 * - decimals with a scale: their decimal text as the warehouse wrote it (`12.50`), never a double;
 * - doubles, booleans, text: as they are.
 */

/** Microseconds since the epoch, UTC, as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function timestampFromMicros(micros: bigint): string {
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const date = new Date(Number((micros - fraction) / 1000n));
  if (Number.isNaN(date.getTime())) return String(micros);
  return `${date.toISOString().slice(0, 19)}.${fraction.toString().padStart(6, '0')}Z`;
}

const TIMESTAMP_TEXT = /^(\d{4}-\d\d-\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/;

/**
 * A timestamp the warehouse printed (`2026-10-14 00:00:00`, `...05.5+00`, `...+05:30`) in the one
 * format; without a zone it is the UTC wall clock. Text it cannot read (infinity) is returned as is.
 */
export function timestampFromText(text: string): string {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return text;
  const [, day, hh, mm, ss, fraction = '', zone = 'Z'] = m;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  const ms = Date.parse(`${day}T${hh}:${mm}:${ss}Z`) - offsetMinutes * 60_000;
  if (Number.isNaN(ms)) return text;
  return timestampFromMicros(BigInt(ms) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6)));
}

/** A Date (millisecond precision) in the one format. */
export function timestampFromDate(date: Date): string {
  return timestampFromMicros(BigInt(date.getTime()) * 1000n);
}

/** An integer as a JSON number when exact, else its decimal text. */
export function integerValue(value: bigint | string | number): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : String(value);
}

/** NUMERIC/DECIMAL text: an integer when it has no fractional part written, else the text itself. */
export function decimalValue(text: string): number | string {
  return /^-?\d+$/.test(text) ? integerValue(text) : text;
}
