/** Decimal units (integer counts of 10^-4) in PostgreSQL's binary NUMERIC format, for binary COPY. */
import { DECIMAL_SCALE } from '../../schemas/decimal';

/** Bytes of a NUMERIC field beyond the 8 every fixed-width field is given: 4 base-10000 digits more. */
export const NUMERIC_EXTRA_BYTES = 18;

const BASE = 10_000;
const POSITIVE = 0x0000,
  NEGATIVE = 0x4000;

/**
 * Writes the field (its 32-bit length, then ndigits, weight, sign, dscale and the base-10000
 * digits, most significant first, as numeric_send does) and returns the new offset. With scale 4
 * the fraction is exactly one base-10000 digit, so the units split into digits without rounding.
 */
export function putNumeric(buf: Buffer, at: number, value: bigint | number): number {
  if (DECIMAL_SCALE !== 4) throw new Error('putNumeric expects 4 fraction digits');
  let units = BigInt(value);
  const sign = units < 0n ? NEGATIVE : POSITIVE;
  if (units < 0n) units = -units;
  const fraction = Number(units % 10_000n);
  let whole = units / 10_000n;
  const digits: number[] = [];
  while (whole > 0n) {
    digits.unshift(Number(whole % 10_000n));
    whole /= 10_000n;
  }
  const weight = digits.length - 1;
  digits.push(fraction);
  // Leading and trailing zero digits are left out, as PostgreSQL stores them.
  let first = 0,
    last = digits.length;
  while (first < last && digits[first] === 0) first++;
  while (last > first && digits[last - 1] === 0) last--;
  const n = last - first;
  buf.writeInt32BE(8 + 2 * n, at);
  buf.writeInt16BE(n, at + 4);
  buf.writeInt16BE(n === 0 ? 0 : weight - first, at + 6);
  buf.writeUInt16BE(sign, at + 8);
  buf.writeInt16BE(DECIMAL_SCALE, at + 10);
  let p = at + 12;
  for (let i = first; i < last; i++) p = buf.writeInt16BE(digits[i]! % BASE, p);
  return p;
}
