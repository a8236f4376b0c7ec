/** How node-postgres parses query results for Loadout: the shared value format of result-values.ts. */
import pg from 'pg';
import { decimalValue, integerValue, timestampFromText } from './result-values';

// Type OIDs whose default node-postgres parsing loses information or is not JSON-friendly.
const INT8 = 20,
  NUMERIC = 1700,
  TIMESTAMPTZ = 1184,
  TIMESTAMP = 1114,
  DATE = 1082;

/**
 * Query results as the values every warehouse returns (result-values.ts): BIGINT as a number when
 * it is a safe integer (else its decimal text), NUMERIC with a scale as its decimal text, timestamps
 * as ISO-8601 UTC text keeping the microseconds (a Date would drop them), dates as YYYY-MM-DD text.
 */
export const POSTGRES_RESULT_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case INT8:
        return integerValue;
      case NUMERIC:
        return decimalValue;
      case TIMESTAMPTZ:
      case TIMESTAMP:
        return timestampFromText;
      case DATE:
        return (text: string) => text;
      default:
        return pg.types.getTypeParser(oid, 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};
