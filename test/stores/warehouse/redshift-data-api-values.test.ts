/** Values across the Redshift Data API: parameters renamed and bound as text, results read back. */
import { describe, expect, it } from 'vitest';
import { fieldValue, toDataApiParameters } from '../../../stores/warehouse/redshift-data-api-values';

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

  it('reads the Data API timestamp forms and numerics in the shared result format', () => {
    const ts = (stringValue: string, typeName = 'timestamptz') => fieldValue({ stringValue }, { typeName });
    expect(ts('2026-11-23 09:20:00+00')).toBe('2026-11-23T09:20:00.000000Z');
    expect(ts('2026-11-23 09:20:00.123456+05:30')).toBe('2026-11-23T03:50:00.123456Z');
    expect(ts('2026-11-23 09:20:00', 'timestamp')).toBe('2026-11-23T09:20:00.000000Z');
    expect(ts('not a time')).toBe('not a time');
    expect(ts('12.50', 'numeric')).toBe('12.50');
    expect(ts('1234', 'numeric')).toBe(1234);
    expect(ts('2026-11-23', 'date')).toBe('2026-11-23');
    expect(fieldValue({ longValue: 7 }, { typeName: 'int8' })).toBe(7);
    expect(fieldValue({ isNull: true }, { typeName: 'numeric' })).toBeNull();
  });
});
