/** Exact decimals: half-even rounding of a number's decimal text, the same from bytes as from the parsed number. */
import { describe, expect, test } from 'vitest';
import { numberValue } from '../../core/flat-json-line';
import { formatUnits, unitsOfBytes, unitsOfNumber, unitsOfText } from '../../schemas/decimal';
import { decimal, INVALID } from '../../schemas/fields';
import { mulberry32 } from '../helpers/catalog-samples';

const bytesOf = (text: string) => Buffer.from(`  ${text} `);
const fromBytes = (text: string) => unitsOfBytes(bytesOf(text), 2, 2 + text.length);

describe('decimal units', () => {
  test.each([
    ['19.990000000000002', '19.9900'],
    ['12.34565', '12.3456'],
    ['12.34575', '12.3458'],
    ['12.345650000001', '12.3457'],
    ['0.00005', '0.0000'],
    ['0.00015', '0.0002'],
    ['0.99995', '1.0000'],
    ['1e2', '100.0000'],
    ['1E+2', '100.0000'],
    ['5e-5', '0.0000'],
    ['15e-5', '0.0002'],
    ['1e-300', '0.0000'],
    ['1000000', '1000000.0000'],
    ['0', '0.0000'],
    ['-0', '0.0000'],
    ['-2.5', '-2.5000'],
    ['-0.00015', '-0.0002'],
  ])('%s is %s, from the text, the parsed number and the bytes alike', (text, expected) => {
    expect(formatUnits(unitsOfText(text))).toBe(expected);
    expect(formatUnits(unitsOfNumber(Number(text)))).toBe(expected);
    expect(formatUnits(fromBytes(text))).toBe(expected);
  });

  test('beyond safe integers of units: NaN, never a rounded wrong value', () => {
    expect(unitsOfText('1e12')).toBeNaN();
    expect(unitsOfText('not a number')).toBeNaN();
  });

  test('random tokens: bytes and parsed numbers always agree (both lanes of the core)', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 20_000; i++) {
      const digits = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 15))));
      const point = Math.floor(random() * (digits.length + 1));
      let text = point === digits.length ? digits : `${digits.slice(0, point) || '0'}.${digits.slice(point)}`;
      text = text.replace(/^0+(?=\d)/, '');
      if (random() < 0.2) text = `${text}e${Math.floor(random() * 8) - 4}`;
      const bytes = bytesOf(text);
      const parsed = numberValue(bytes, 2, 2 + text.length);
      expect(fromBytes(text), text).toBe(unitsOfNumber(parsed));
    }
  });
});

describe('decimal() field', () => {
  const field = decimal({ min: 0, max: 1_000_000 });
  test('bounds apply to the number as written: negatives and anything over the maximum are refused', () => {
    for (const v of [-0.01, -0.00005, 1_000_000.00001, 1e7, '5', null, undefined, true]) {
      expect(field.fast(v), String(v)).toBe(INVALID);
      expect(field.schema.safeParse(v).success, String(v)).toBe(false);
    }
    for (const text of ['-0.01', '1000000.00001', '1e7'])
      expect(field.fromNumberBytes!(bytesOf(text), 2, 2 + text.length), text).toBe(INVALID);
  });
  test('accepted values are units, equal from zod, the fast check and the bytes', () => {
    for (const text of ['0', '1000000', '19.990000000000002', '1e2', '0.00005']) {
      const units = field.fast(Number(text));
      expect(field.schema.parse(Number(text))).toBe(units);
      expect(field.fromNumberBytes!(bytesOf(text), 2, 2 + text.length)).toBe(units);
    }
  });
  test('only 4 fraction digits and bounds within safe units can be declared', () => {
    expect(() => decimal({ min: 0, max: 1, scale: 2 })).toThrow(/4 fraction digits/);
    expect(() => decimal({ min: 0, max: 1e15 })).toThrow(/within/);
  });
});
