/** Values across the Redshift Data API: parameters renamed and bound as text, timestamps parsed back. */
import { describe, expect, it } from 'vitest';
import { parseRedshiftTimestamp, toDataApiParameters } from '../../../stores/warehouse/redshift-data-api-values';

describe('toDataApiParameters', () => {
  it('renames $n outside strings, quoted identifiers and comments', () => {
    expect(toDataApiParameters(`SELECT "a$1", 'it''s $1', $1 -- $2\n, /* $2 */ $2, x$1 FROM t`, ['a', 'b'])).toEqual({
      sql: `SELECT "a$1", 'it''s $1', :p1 -- $2\n, /* $2 */ :p2, x$1 FROM t`,
      parameters: [
        { name: 'p1', value: 'a' },
        { name: 'p2', value: 'b' },
      ],
    });
  });

  it('refuses NULL, missing and unused parameters', () => {
    expect(() => toDataApiParameters('SELECT $1', [null])).toThrow(/cannot bind NULL/);
    expect(() => toDataApiParameters('SELECT $2', ['a'])).toThrow(/uses \$2 but 1 parameter/);
    expect(() => toDataApiParameters('SELECT $1', ['a', 'b'])).toThrow(/\$2 is not used/);
    expect(() => toDataApiParameters('SELECT $1', [{}])).toThrow(/cannot pass a object/);
  });

  it('parses the Data API timestamp forms', () => {
    expect(parseRedshiftTimestamp('2026-11-23 09:20:00+00')).toEqual(new Date('2026-11-23T09:20:00Z'));
    expect(parseRedshiftTimestamp('2026-11-23 09:20:00.123456+05:30')).toEqual(new Date('2026-11-23T03:50:00.123Z'));
    expect(parseRedshiftTimestamp('2026-11-23 09:20:00')).toEqual(new Date('2026-11-23T09:20:00Z'));
    expect(parseRedshiftTimestamp('not a time')).toBe('not a time');
  });
});
