/** csvRowFormatter: the CSV text DuckDB reads back, per column type; fast paths print what String() prints. */
import { describe, expect, test } from 'vitest';
import { csvRowFormatter } from '../../core/csv-row';
import type { ColumnType, OutputColumn } from '../../schemas/column-types';

const column = (type: ColumnType, nullable = false): OutputColumn => ({ name: 'c', type, nullable, path: ['c'] });
const one = (type: ColumnType, uuid = false) => {
  const format = csvRowFormatter([column(type, true)], [uuid]);
  return (value: unknown) => format([value]);
};

describe('csvRowFormatter', () => {
  test('fields in column order, comma-separated, no line break', () => {
    const format = csvRowFormatter(
      [column('string'), column('timestamp'), column('string'), column('int64'), column('double'), column('boolean'), column('json')],
      [true, false, false, false, false, false, false],
    );
    const row = ['0f8fad5b-d9cb-469f-a165-70867728950e', 1795338000500000, 'ak_47', 12, 62.3, false, '["a","b"]'];
    expect(format(row)).toBe('0f8fad5b-d9cb-469f-a165-70867728950e,1795338000500000,ak_47,12,62.3,false,"[""a"",""b""]"');
  });

  test('NULL is an empty field, the empty string is "" (so the two stay apart)', () => {
    for (const type of ['string', 'json', 'int64', 'double', 'boolean', 'timestamp'] as const) {
      expect(one(type)(null)).toBe('');
      expect(one(type)(undefined)).toBe('');
    }
    expect(one('string')('')).toBe('""');
    expect(one('json')('')).toBe('""');
    expect(one('string', true)(null)).toBe('');
  });

  test('text with a quote, comma, LF or CR is quoted, quotes doubled; other text verbatim', () => {
    const text = one('string');
    expect(text('a,b')).toBe('"a,b"');
    expect(text('a"b')).toBe('"a""b"');
    expect(text('a\nb')).toBe('"a\nb"');
    expect(text('\r')).toBe('"\r"');
    expect(text(' x\ty é😀 ')).toBe(' x\ty é😀 ');
    expect(text('NULL')).toBe('NULL');
  });

  test('booleans as true/false', () => {
    expect(one('boolean')(true)).toBe('true');
    expect(one('boolean')(false)).toBe('false');
  });

  test('timestamps (UTC microseconds) print as String() does, whatever their size', () => {
    const micros = one('timestamp');
    const values = [0, 7, 99_999_999, 100_000_000, 100_000_001, 946_684_800_000_000, 1_795_338_000_000_007, 4_133_980_799_999_999, 8_999_999_999_999_999, 9e15, -5, 1.5];
    for (const v of values) expect(micros(v), String(v)).toBe(String(v));
    let seed = 3;
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = 946_684_800_000_000 + Math.floor((seed / 2 ** 31) * 3_187_296_000_000_000);
      expect(micros(v)).toBe(String(v));
    }
  });

  test('doubles print as String() does (the shortest text that reads back), fast path or not', () => {
    const double = one('double');
    const edges = [0, -0, 1, -1, 0.1, 0.01, 0.05, 0.3, 0.30000000000000004, 4.99, 62.3, 99.99, 100.1, 1e-7, 5e-324, 21474836.47, 21474836.48,
      21474836.5, 1e15 + 0.5, 2 ** 53, 1.7976931348623157e308, -62.3, 123456.789, 1 / 3, 0.995, 1.005, 10.1, 10.10000001];
    for (const v of edges) expect(double(v), String(v)).toBe(String(v));
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200_000; i++) {
      const scale = [1, 10, 100, 1000][i % 4]!;
      const v = i % 5 === 0 ? next() * 1e6 : Math.round(next() * 1e7) / scale;
      expect(double(v)).toBe(String(v));
    }
  });

  test('integers as String() prints them', () => {
    for (const v of [0, 1, -25, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) expect(one('int64')(v)).toBe(String(v));
  });
});
