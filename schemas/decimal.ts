/**
 * Exact decimals: a JSON number's decimal text rounded half-even to DECIMAL_SCALE fraction digits,
 * digit by digit (never through float arithmetic), held as an integer count of units of
 * 10^-DECIMAL_SCALE. Both lanes of the core use it: the byte-level fast lane on the token's bytes,
 * the string path on the number JSON.parse gave, whose shortest round-trip text (ECMAScript
 * Number::toString) is the token's own value whenever the token has at most 15 significant digits.
 */

/** Fraction digits of every decimal column, and the units per 1: 19.99 is 199900 units. */
export const DECIMAL_SCALE = 4;
/** Total digits of a decimal column: DECIMAL(18,4) is stored as Parquet INT64 and warehouse 64-bit decimals. */
export const DECIMAL_PRECISION = 18;
const UNITS_PER_ONE = 10 ** DECIMAL_SCALE;

/** Significant digits below which the token's text and its double's shortest text have the same value. */
const EXACT_DIGITS = 15;

/**
 * The units of a number token's text, rounded half-even, or NaN when the text is not a JSON number
 * or its units are not a safe integer. `-?digits[.digits][e[+-]digits]`, as JSON writes numbers
 * and as Number::toString does (`1e+21`, `5e-7`).
 */
export function unitsOfText(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return NaN;
  const digits = m[2]! + (m[3] ?? '');
  // Where the decimal point sits in `digits` once the value is scaled to units.
  const point = m[2]!.length + Number(m[4] ?? 0) + DECIMAL_SCALE;
  return roundHalfEven(m[1] === '-', digits, point);
}

/** The units of a number JSON.parse gave: its shortest round-trip text, rounded as unitsOfText does. */
export function unitsOfNumber(value: number): number {
  return unitsOfText(String(value));
}

/**
 * The units of a number token `bytes[start, end)` (already checked by JSON's grammar): from the
 * bytes when the token has at most 15 significant digits and no exponent (the token's value is
 * then its double's shortest text's value), else as unitsOfNumber does for the parsed double, so
 * both lanes always agree. Equal to unitsOfNumber(numberValue(bytes, start, end)).
 */
export function unitsOfBytes(bytes: Uint8Array, start: number, end: number): number {
  let significant = 0,
    leading = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 101 || c === 69) return unitsOfNumber(Number(latin1(bytes, start, end)));
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    significant++;
  }
  if (significant > EXACT_DIGITS) return unitsOfNumber(Number(latin1(bytes, start, end)));
  return unitsOfText(latin1(bytes, start, end));
}

/**
 * Half-even rounding of the decimal `digits` with the point after `point` of them (it may lie
 * before or after the digits), negated when `negative`. NaN beyond safe integers.
 */
function roundHalfEven(negative: boolean, digits: string, point: number): number {
  let units = 0;
  const whole = Math.min(Math.max(point, 0), digits.length);
  for (let i = 0; i < whole; i++) {
    units = units * 10 + (digits.charCodeAt(i) - 48);
    if (units > Number.MAX_SAFE_INTEGER) return NaN;
  }
  // Zeros the exponent appends after the digits.
  for (let i = digits.length; i < point; i++) {
    units *= 10;
    if (units > Number.MAX_SAFE_INTEGER) return NaN;
  }
  if (point < digits.length) {
    // The dropped part starts at max(point, 0): below one half, exactly one half, or above it.
    const from = Math.max(point, 0);
    const first = point < 0 ? 0 : digits.charCodeAt(from) - 48;
    const rest = point < 0 ? digits : digits.slice(from + 1);
    const restZero = /^0*$/.test(rest);
    // A point before the digits drops an implied leading 0 first: less than half a unit.
    if (first > 5 || (first === 5 && (!restZero || units % 2 === 1))) units++;
  }
  if (units > Number.MAX_SAFE_INTEGER) return NaN;
  return negative && units !== 0 ? -units : units;
}

/** Units as decimal text with exactly DECIMAL_SCALE fraction digits: 199900 is `19.9900`. */
export function formatUnits(units: number | bigint): string {
  const negative = units < 0;
  const digits = (negative ? -BigInt(units) : BigInt(units)).toString().padStart(DECIMAL_SCALE + 1, '0');
  const cut = digits.length - DECIMAL_SCALE;
  return `${negative ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/** The largest magnitude a decimal field may declare: its units stay safe integers. */
export const MAX_DECIMAL = Math.floor(Number.MAX_SAFE_INTEGER / UNITS_PER_ONE);

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
