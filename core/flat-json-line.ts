/**
 * Tokenizes one line's UTF-8 bytes when it is one or more flat JSON objects (written back to back
 * or with whitespace between): keys and scalar values, no escapes, no nested objects or arrays.
 * This is the shape of almost every telemetry line, and it is what the byte-level fast lane reads
 * without building JS strings or objects. Any other line is refused as a whole and takes the
 * string path (splitRecords), which handles everything JSON allows.
 *
 * Strict: what this accepts is valid JSON, and each record's value is what JSON.parse gives.
 * The bytes must be valid UTF-8 (readLineBytes checks every chunk).
 */

/** Value kinds of a key's token. */
export const STRING = 1;
export const NUMBER = 2;
export const TRUE = 3;
export const FALSE = 4;
export const NULL = 5;

/** Beyond these a line takes the string path: they bound the token tables, not what is valid. */
const MAX_RECORDS = 256;
const MAX_KEYS = 4096;

/** Fields per key in `keys`: key start, key end, value start, value end (strings without their quotes), kind. */
export const KEY_FIELDS = 5;

const QUOTE = 34,
  BACKSLASH = 92,
  COLON = 58,
  COMMA = 44,
  OPEN = 123,
  CLOSE = 125,
  MINUS = 45,
  DOT = 46;

export class FlatJsonLine {
  /** Records on the line after a successful tokenize(). */
  records = 0;
  /** Per record: start, end (just past its `}`), first key's index in `keys` / KEY_FIELDS, key count. */
  readonly spans = new Int32Array(MAX_RECORDS * 4);
  readonly keys = new Int32Array(MAX_KEYS * KEY_FIELDS);

  /** True when `bytes[start, end)` is whitespace-separated flat objects only; then `records` and the tables describe them. */
  tokenize(bytes: Uint8Array, start: number, end: number): boolean {
    const spans = this.spans,
      keys = this.keys;
    let records = 0;
    let k = 0;
    let p = skipSpace(bytes, start, end);
    if (p >= end) return false;
    while (p < end) {
      if (bytes[p] !== OPEN || records === MAX_RECORDS) return false;
      const recordStart = p;
      const firstKey = k;
      p = skipSpace(bytes, p + 1, end);
      if (p < end && bytes[p] === CLOSE) p++;
      else {
        for (;;) {
          if (p >= end || bytes[p] !== QUOTE || k === MAX_KEYS * KEY_FIELDS) return false;
          const keyStart = p + 1;
          const keyEnd = stringEnd(bytes, keyStart, end);
          if (keyEnd < 0) return false;
          p = skipSpace(bytes, keyEnd + 1, end);
          if (p >= end || bytes[p] !== COLON) return false;
          p = skipSpace(bytes, p + 1, end);
          if (p >= end) return false;
          const c = bytes[p]!;
          let valueStart = p,
            valueEnd: number,
            kind: number;
          if (c === QUOTE) {
            valueStart = p + 1;
            valueEnd = stringEnd(bytes, valueStart, end);
            if (valueEnd < 0) return false;
            p = valueEnd + 1;
            kind = STRING;
          } else if (c === 116 || c === 102 || c === 110) {
            // true, false and null share their arithmetic: a literal first seen late (the first
            // null) then meets code that has run, where its own branch would deoptimise tokenize.
            kind = c === 116 ? TRUE : c === 102 ? FALSE : NULL;
            if (!literalAt(bytes, p, end, kind)) return false;
            p = valueEnd = p + (kind === FALSE ? 5 : 4);
          } else {
            valueEnd = numberEnd(bytes, p, end);
            if (valueEnd < 0) return false;
            p = valueEnd;
            kind = NUMBER;
          }
          keys[k] = keyStart;
          keys[k + 1] = keyEnd;
          keys[k + 2] = valueStart;
          keys[k + 3] = valueEnd;
          keys[k + 4] = kind;
          k += KEY_FIELDS;
          p = skipSpace(bytes, p, end);
          if (p >= end) return false;
          const next = bytes[p]!;
          if (next === CLOSE) {
            p++;
            break;
          }
          if (next !== COMMA) return false;
          p = skipSpace(bytes, p + 1, end);
        }
      }
      const r = records * 4;
      spans[r] = recordStart;
      spans[r + 1] = p;
      spans[r + 2] = firstKey / KEY_FIELDS;
      spans[r + 3] = (k - firstKey) / KEY_FIELDS;
      records++;
      p = skipSpace(bytes, p, end);
    }
    this.records = records;
    return true;
  }
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipSpace(bytes: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = bytes[p]!;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    p++;
  }
  return p;
}

// Per byte inside a string: 1 where the string ends or the fast lane gives up (quote, backslash,
// control characters), 0 for any other byte; one load and test per byte instead of three compares.
const STRING_STOP = new Uint8Array(256);
STRING_STOP.fill(1, 0, 32);
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** Index of the closing quote of a string whose content starts at `p`; -1 for an escape, a control character or no end. */
function stringEnd(bytes: Uint8Array, p: number, end: number): number {
  while (p < end && STRING_STOP[bytes[p]!] === 0) p++;
  return p < end && bytes[p] === QUOTE ? p : -1;
}

/** End of a number by JSON's grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, or -1. */
function numberEnd(bytes: Uint8Array, p: number, end: number): number {
  // The sign and a leading zero step by 0 or 1 instead of in branches of their own: those are
  // first taken late (the first negative number, the first 0.x), and a first-taken branch
  // deoptimises tokenize, whose every recompile costs the one core tens of milliseconds.
  p += p < end && bytes[p] === MINUS ? 1 : 0;
  if (p >= end) return -1;
  const first = p;
  p += bytes[p] === 48 ? 1 : 0;
  if (p === first) {
    while (p < end && isDigit(bytes[p]!)) p++;
    if (p === first) return -1;
  }
  if (p < end && bytes[p] === DOT) {
    const first = ++p;
    while (p < end && isDigit(bytes[p]!)) p++;
    if (p === first) return -1;
  }
  if (p < end && (bytes[p]! | 32) === 101) {
    p++;
    if (p < end && (bytes[p] === 43 || bytes[p] === MINUS)) p++;
    const first = p;
    while (p < end && isDigit(bytes[p]!)) p++;
    if (p === first) return -1;
  }
  return p;
}

const TRUE_BYTES = Buffer.from('true'),
  FALSE_BYTES = Buffer.from('false'),
  NULL_BYTES = Buffer.from('null');

/** Whether the literal of `kind` (TRUE, FALSE or NULL) is spelled at `p`. */
function literalAt(bytes: Uint8Array, p: number, end: number, kind: number): boolean {
  const literal = kind === TRUE ? TRUE_BYTES : kind === FALSE ? FALSE_BYTES : NULL_BYTES;
  if (p + literal.length > end) return false;
  for (let i = 1; i < literal.length; i++) if (bytes[p + i] !== literal[i]) return false;
  return true;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * The value of a number token, as JSON.parse gives it. With at most 15 digits and no exponent,
 * the digits form an integer below 2^53 and the fraction's power of ten is exact, so one division
 * is correctly rounded, as JSON.parse's conversion is; other numbers go through Number(), the
 * same correctly rounded conversion.
 */
export function numberValue(bytes: Uint8Array, start: number, end: number): number {
  // Branch-free sign, as in numberEnd: a first negative number would deoptimise the reader.
  const negative = bytes[start] === MINUS;
  let i = start + (negative ? 1 : 0);
  let mantissa = 0,
    digits = 0,
    fraction = -1;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c === DOT) {
      fraction = 0;
      continue;
    }
    if (c > 57) return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    if (fraction >= 0) fraction++;
  }
  if (digits > 15) return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
  const value = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction]! : mantissa;
  return value * (negative ? -1 : 1);
}
