/** parseTimestampMicros / microsToIso against the spec: ISO-8601 with a timezone, years 2000-2100, stored as UTC. */
import { describe, expect, test } from 'vitest';
import { microsToIso, parseTimestampMicros } from '../../schemas/timestamp';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;

const ACCEPTED: [text: string, micros: number][] = [
  ['2026-11-22T10:00:00Z', utc(2026, 11, 22, 10)],
  ['2026-11-22T10:00:00+00:00', utc(2026, 11, 22, 10)],
  ['2026-11-22T10:00:00-00:00', utc(2026, 11, 22, 10)],
  ['2026-11-22T10:05:00.250+01:00', utc(2026, 11, 22, 9, 5, 0, 250_000)],
  ['2026-11-22T10:05:00-05:30', utc(2026, 11, 22, 15, 35)],
  ['2026-11-22T10:05:00+05:45', utc(2026, 11, 22, 4, 20)],
  ['2026-11-22T10:00:00+14:00', utc(2026, 11, 21, 20)],
  ['2026-11-22T10:00:00-12:00', utc(2026, 11, 22, 22)],
  ['2026-11-22T23:30:00-01:00', utc(2026, 11, 23, 0, 30)],
  ['2026-03-01T00:30:00+02:00', utc(2026, 2, 28, 22, 30)],
  ['2024-03-01T00:30:00+02:00', utc(2024, 2, 29, 22, 30)],
  ['2026-01-01T00:30:00+01:00', utc(2025, 12, 31, 23, 30)],
  ['2025-12-31T23:30:00-01:00', utc(2026, 1, 1, 0, 30)],
  ['2026-11-22T10:00:00.1Z', utc(2026, 11, 22, 10, 0, 0, 100_000)],
  ['2026-11-22T10:00:00.12Z', utc(2026, 11, 22, 10, 0, 0, 120_000)],
  ['2026-11-22T10:00:00.123Z', utc(2026, 11, 22, 10, 0, 0, 123_000)],
  ['2026-11-22T10:00:00.000001Z', utc(2026, 11, 22, 10, 0, 0, 1)],
  ['2026-11-22T10:00:00.123456Z', utc(2026, 11, 22, 10, 0, 0, 123_456)],
  ['2026-11-22T10:00:00.999999+01:00', utc(2026, 11, 22, 9, 0, 0, 999_999)],
  ['2024-02-29T12:00:00Z', utc(2024, 2, 29, 12)],
  ['2000-02-29T00:00:00Z', utc(2000, 2, 29)],
  ['2000-01-01T00:00:00Z', utc(2000, 1, 1)],
  ['2100-12-31T23:59:59Z', utc(2100, 12, 31, 23, 59, 59)],
  ['2100-12-31T23:59:59.999999Z', utc(2100, 12, 31, 23, 59, 59, 999_999)],
  ['2026-12-31T23:59:59Z', utc(2026, 12, 31, 23, 59, 59)],
  ['2026-04-30T00:00:00Z', utc(2026, 4, 30)],
];

const REJECTED: [label: string, text: string][] = [
  ['no timezone', '2026-11-22T10:00:00'],
  ['no timezone with fraction', '2026-11-22T10:00:00.250'],
  ['date only', '2026-11-22'],
  ['time only', '10:00:00Z'],
  ['year 1999', '1999-12-31T23:59:59Z'],
  ['year 1970', '1970-01-01T00:00:00Z'],
  ['year 2101', '2101-01-01T00:00:00Z'],
  ['year 9999', '9999-12-31T23:59:59Z'],
  ['February 30', '2026-02-30T10:00:00Z'],
  ['February 29 of a common year', '2026-02-29T10:00:00Z'],
  ['February 29 of 2100 (not a leap year)', '2100-02-29T10:00:00Z'],
  ['April 31', '2026-04-31T10:00:00Z'],
  ['month 13', '2026-13-01T10:00:00Z'],
  ['month 00', '2026-00-01T10:00:00Z'],
  ['day 00', '2026-11-00T10:00:00Z'],
  ['day 32', '2026-01-32T10:00:00Z'],
  ['hour 25', '2026-11-22T25:00:00Z'],
  ['minute 60', '2026-11-22T10:60:00Z'],
  ['second 61', '2026-11-22T10:00:61Z'],
  ['a fraction point without digits', '2026-11-22T10:00:00.Z'],
  ['offset without minutes separator digits', '2026-11-22T10:00:00+1:00'],
  ['offset minutes 60', '2026-11-22T10:00:00+01:60'],
  ['text after Z', '2026-11-22T10:00:00Zjunk'],
  ['text after the offset', '2026-11-22T10:00:00+01:00junk'],
  ['a trailing space', '2026-11-22T10:00:00Z '],
  ['a leading space', ' 2026-11-22T10:00:00Z'],
  ['single-digit month', '2026-1-22T10:00:00Z'],
  ['slashes', '2026/11/22T10:00:00Z'],
  ['letters in the year', '20X6-11-22T10:00:00Z'],
  ['an RFC 2822 date', 'Sun, 22 Nov 2026 10:00:00 GMT'],
  ['epoch seconds as text', '1795341600'],
  ['empty', ''],
  ['words', 'yesterday at noon'],
];

describe('parseTimestampMicros', () => {
  test.each(ACCEPTED)('accepts %s as UTC micros %i', (text, micros) => {
    const result = parseTimestampMicros(text);
    expect(result).toEqual({ micros });
    // Independently: JavaScript's own parser agrees to the millisecond.
    expect(Math.floor(micros / 1000)).toBe(Date.parse(text.replace(/(\.\d{3})\d+/, '$1')));
  });

  test.each(REJECTED)('rejects %s: %j', (_label, text) => {
    const result = parseTimestampMicros(text);
    expect(result).not.toHaveProperty('micros');
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error.length).toBeGreaterThan(0);
  });

  test('more than six fraction digits: accepted, within a microsecond', () => {
    const result = parseTimestampMicros('2026-11-22T10:00:00.123456789Z');
    expect(result).toHaveProperty('micros');
    const micros = (result as { micros: number }).micros;
    expect(Math.abs(micros - utc(2026, 11, 22, 10, 0, 0, 123_457))).toBeLessThanOrEqual(1);
  });

  test('every day of every month of a leap and a common year, at both ends of the day', () => {
    for (const year of [2024, 2026, 2000, 2100]) {
      for (let month = 1; month <= 12; month++) {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (let day = 1; day <= 31; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T23:59:59Z`;
          const result = parseTimestampMicros(text);
          if (day <= days) expect(result, text).toEqual({ micros: utc(year, month, day, 23, 59, 59) });
          else expect(result, text).toHaveProperty('error');
        }
      }
    }
  });

  test('every whole-hour offset converts to the same instant', () => {
    const instant = utc(2026, 6, 15, 12);
    for (let h = -12; h <= 14; h++) {
      const local = new Date(instant / 1000 + h * 3_600_000);
      const sign = h < 0 ? '-' : '+';
      const offset = `${sign}${String(Math.abs(h)).padStart(2, '0')}:00`;
      const text = `${local.toISOString().slice(0, 19)}${offset}`;
      expect(parseTimestampMicros(text), text).toEqual({ micros: instant });
    }
  });
});

describe('microsToIso', () => {
  test('writes UTC ISO-8601 with Z', () => {
    expect(microsToIso(utc(2026, 11, 22, 9, 5))).toMatch(/^2026-11-22T09:05:00(\.0+)?Z$/);
    expect(microsToIso(utc(2026, 11, 22, 9, 5, 0, 250_000))).toMatch(/^2026-11-22T09:05:00\.250*Z$/);
    expect(microsToIso(utc(2026, 11, 22, 9, 5, 0, 123_456))).toBe('2026-11-22T09:05:00.123456Z');
    expect(microsToIso(utc(2026, 11, 22, 9, 5, 0, 1))).toBe('2026-11-22T09:05:00.000001Z');
  });

  test('round-trips with parseTimestampMicros, to the microsecond', () => {
    const samples = [
      utc(2000, 1, 1),
      utc(2100, 12, 31, 23, 59, 59, 999_999),
      utc(2026, 11, 22, 10, 0, 0, 1),
      utc(2026, 11, 22, 10, 0, 0, 999),
      utc(2026, 11, 22, 10, 0, 0, 1000),
      utc(2024, 2, 29, 0, 0, 0, 500_500),
    ];
    let seed = 12345;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      samples.push(utc(2000, 1, 1) + Math.floor((seed / 2 ** 31) * (utc(2100, 12, 31) - utc(2000, 1, 1))));
    }
    for (const micros of samples) {
      const iso = microsToIso(micros);
      expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/);
      expect(parseTimestampMicros(iso), iso).toEqual({ micros });
    }
  });
});
