/** How node-postgres parses query results for Loadout: plain JSON values, timestamps as ISO-8601 text. */
import pg from 'pg';

// Type OIDs whose default node-postgres parsing loses information or is not JSON-friendly.
const INT8 = 20,
  NUMERIC = 1700,
  TIMESTAMPTZ = 1184,
  TIMESTAMP = 1114,
  DATE = 1082;

/**
 * Query results as plain JSON values, like DuckDB's row objects: BIGINT as a number when it is a
 * safe integer (else its decimal text), timestamps as ISO-8601 text keeping the microseconds
 * (a Date would drop them), dates as YYYY-MM-DD text.
 */
export const POSTGRES_RESULT_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case INT8:
        return (text: string) => {
          const n = Number(text);
          return Number.isSafeInteger(n) ? n : text;
        };
      case NUMERIC:
        return (text: string) => {
          const n = Number(text);
          return Number.isFinite(n) && (Number.isSafeInteger(n) || !/^-?\d+$/.test(text)) ? n : text;
        };
      case TIMESTAMPTZ:
        return isoTimestamp;
      case TIMESTAMP:
        return (text: string) => text.replace(' ', 'T');
      case DATE:
        return (text: string) => text;
      default:
        return pg.types.getTypeParser(oid, 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * `2026-11-22 10:05:00.123456+00` (the session runs in UTC) to `2026-11-22T10:05:00.123456Z`,
 * always with six fractional digits, so that the text sorts as the time does.
 */
function isoTimestamp(text: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?([+-]\d\d)(?::(\d\d))?$/.exec(text);
  if (!m) return text; // infinity, BC dates, second-level offsets: as PostgreSQL wrote them
  const fraction = (m[3] ?? '').padEnd(6, '0');
  const zone = m[4] === '+00' && (m[5] === undefined || m[5] === '00') ? 'Z' : `${m[4]}:${m[5] ?? '00'}`;
  return `${m[1]}T${m[2]}.${fraction}${zone}`;
}
