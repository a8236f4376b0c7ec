/** Field builders: each declares a field's zod rule and the output column(s) it becomes. */
import { z } from 'zod';
import { regexes } from 'zod/v4/core';
import type { ColumnType, OutputColumn } from './column-types';
import { DECIMAL_PRECISION, DECIMAL_SCALE, MAX_DECIMAL, unitsOfBytes, unitsOfNumber } from './decimal';
import type { PersonalTreatment } from './personal';
import {
  byteBound,
  charsToBytes,
  codePoints,
  fitsBytes,
  IP_TEXT_BYTES,
  longestMatchBytes,
  MAX_TEXT_BYTES,
  NETWORK_TEXT_BYTES,
  overBytesMessage,
  PSEUDONYM_BYTES,
  utf8Length,
  UUID_BYTES,
} from './text-bounds';
import { parseTimestampMicros, timestampMicros, timestampMicrosOfBytes } from './timestamp';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returned by a field's fast check when the value breaks the rule; zod then says why. */
export const INVALID: unique symbol = Symbol('invalid');
export type FastCheck = (value: unknown) => unknown;

/** Returned by a byte check when the value is the bytes themselves: written as they are (uuids lower-cased). */
export const AS_BYTES: unique symbol = Symbol('as bytes');
/**
 * A field's fast check for a JSON string token given as its UTF-8 bytes `bytes[start, end)`,
 * without escapes (the byte-level fast lane leaves any record with one to the string path).
 * Returns INVALID, AS_BYTES, or the normalised value, exactly as `fast` does for that string.
 */
export type ByteCheck = (bytes: Uint8Array, start: number, end: number) => unknown;

export interface Field {
  /** The rule, and the source of every rejection's reason. */
  readonly schema: z.ZodType;
  /**
   * The same rule and normalisation as `schema`, without zod's per-check machinery: validation
   * runs for every event, and zod alone measured ~8 µs a record (docs/benchmarks.md). Returns the
   * normalised value or INVALID; test/schemas/fast-check.test.ts holds the two to agreement.
   */
  readonly fast: FastCheck;
  /** `fast` for string values read as bytes; absent when the field needs the JS string (the record then takes the string path). */
  readonly fromBytes?: ByteCheck;
  /**
   * `fast` for number values read as the bytes of their token, for fields whose value depends on the
   * token's text (decimals); absent when the parsed number is all the field needs.
   */
  readonly fromNumberBytes?: ByteCheck;
  /** Output columns for a field named `name`; `path` is where its value sits in the record. */
  columns(name: string, path: readonly string[]): OutputColumn[];
  /** JSON-text fields keep any inner shape: their inner attributes are never schema drift. */
  readonly opaque: boolean;
  /** Declared sub-fields of a flattened object, for drift detection. */
  readonly children?: Readonly<Record<string, Field>>;
  /** Set for uuid fields: their normalised values are 36 lower-case characters, 8-4-4-4-12. */
  readonly uuid?: boolean;
  /** Personal data (GDPR): what the processing core writes instead of the clear value (schemas/personal.ts). */
  readonly personal?: PersonalTreatment;
}

interface FieldOptions {
  as?: string;
  /** Marks the field as personal data: its clear value never reaches a staged table. */
  personal?: PersonalTreatment;
}

/**
 * The output column of a leaf field; a dropped personal field keeps its column, always NULL. A text
 * column's byte bound is what is written: a pseudonym or a network, not the clear value's bound.
 */
function leafColumn(
  name: string,
  path: readonly string[],
  type: ColumnType,
  nullable: boolean,
  options: FieldOptions,
  maxBytes: number | undefined,
): OutputColumn {
  const column: OutputColumn = {
    name: options.as ?? name,
    type,
    nullable: nullable || options.personal === 'drop',
    path,
  };
  const bytes =
    options.personal === 'pseudonymise'
      ? PSEUDONYM_BYTES
      : options.personal === 'network'
        ? NETWORK_TEXT_BYTES
        : (maxBytes ?? MAX_TEXT_BYTES);
  const sized = type === 'string' || type === 'json' ? { ...column, maxBytes: bytes } : column;
  return options.personal === undefined ? sized : { ...sized, personal: options.personal };
}

/** `maxBytes` bounds a text field's values in UTF-8 bytes (its checks enforce it); other types have none. */
function leaf(
  schema: z.ZodType,
  fast: FastCheck,
  type: ColumnType,
  options: FieldOptions = {},
  fromBytes?: ByteCheck,
  maxBytes?: number,
  fromNumberBytes?: ByteCheck,
): Field & FieldModifiers {
  const field: Field = {
    schema,
    fast,
    fromBytes,
    ...(fromNumberBytes === undefined ? {} : { fromNumberBytes }),
    opaque: false,
    columns: (name, path) => [leafColumn(name, path, type, false, options, maxBytes)],
    ...(options.personal === undefined ? {} : { personal: options.personal }),
  };
  return withModifiers(field, type, options, maxBytes);
}

interface FieldModifiers {
  /** Absent or null in the source: stored as NULL. */
  optional(): Field;
}

function withModifiers(
  field: Field,
  type: ColumnType,
  options: FieldOptions,
  maxBytes: number | undefined,
): Field & FieldModifiers {
  return {
    ...field,
    optional: () => ({
      ...field,
      schema: field.schema.nullish().transform((v) => v ?? null),
      fast: (v) => (v === undefined || v === null ? null : field.fast(v)),
      columns: (name, path) => [leafColumn(name, path, type, true, options, maxBytes)],
    }),
  };
}

// Per character code below 256 (a string's) or byte: 1 for a lower-case hex digit or a decimal
// digit, 2 for an upper-case hex digit, 4 otherwise.
const HEX = new Uint8Array(256).fill(4);
for (const c of '0123456789abcdef') HEX[c.charCodeAt(0)] = 1;
for (const c of 'ABCDEF') HEX[c.charCodeAt(0)] = 2;

/** The kinds of the characters in [from, to), or-ed together. */
function hexKinds(v: string, from: number, to: number): number {
  let kinds = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    kinds |= c < 256 ? HEX[c]! : 4;
  }
  return kinds;
}

/**
 * The uuid rule by character codes, then lower-cased only when needed: it runs three times per
 * event, and this measured faster than the regex (tmp measurements in docs/benchmarks.md). The
 * dashes are checked first, then the five digit groups without a branch per character.
 */
function fastUuid(v: unknown): unknown {
  if (typeof v !== 'string' || v.length !== 36) return INVALID;
  if (v.charCodeAt(8) !== 45 || v.charCodeAt(13) !== 45 || v.charCodeAt(18) !== 45 || v.charCodeAt(23) !== 45)
    return INVALID;
  const kinds =
    hexKinds(v, 0, 8) | hexKinds(v, 9, 13) | hexKinds(v, 14, 18) | hexKinds(v, 19, 23) | hexKinds(v, 24, 36);
  if (kinds & 4) return INVALID;
  return kinds & 2 ? v.toLowerCase() : v;
}

/** fastUuid on bytes: the value is its bytes, which the writer lower-cases as it copies them. */
export function uuidFromBytes(bytes: Uint8Array, start: number, end: number): unknown {
  if (end - start !== 36) return INVALID;
  if (bytes[start + 8] !== 45 || bytes[start + 13] !== 45 || bytes[start + 18] !== 45 || bytes[start + 23] !== 45)
    return INVALID;
  let kinds = 0;
  for (let i = start; i < start + 8; i++) kinds |= HEX[bytes[i]!]!;
  for (let i = start + 9; i < start + 13; i++) kinds |= HEX[bytes[i]!]!;
  for (let i = start + 14; i < start + 18; i++) kinds |= HEX[bytes[i]!]!;
  for (let i = start + 19; i < start + 23; i++) kinds |= HEX[bytes[i]!]!;
  for (let i = start + 24; i < end; i++) kinds |= HEX[bytes[i]!]!;
  return kinds & 4 ? INVALID : AS_BYTES;
}

export function uuid(options?: FieldOptions) {
  const fast: FastCheck = fastUuid;
  return {
    ...leaf(
      z
        .string()
        .regex(UUID, 'not a uuid')
        .transform((s) => s.toLowerCase()),
      fast,
      'string',
      options,
      uuidFromBytes,
      UUID_BYTES,
    ),
    uuid: true,
  };
}

/** The timestamp rule on bytes; one function for every timestamp field, which the fast lane calls directly. */
export function timestampFromBytes(bytes: Uint8Array, start: number, end: number): unknown {
  const micros = timestampMicrosOfBytes(bytes, start, end);
  return Number.isNaN(micros) ? INVALID : micros;
}

export function timestamp(options?: FieldOptions) {
  const schema = z.string().transform((text, ctx) => {
    const result = parseTimestampMicros(text);
    if ('error' in result) {
      ctx.issues.push({ code: 'custom', message: result.error, input: text });
      return z.NEVER;
    }
    return result.micros;
  });
  const fast: FastCheck = (v) => {
    if (typeof v !== 'string') return INVALID;
    const micros = timestampMicros(v);
    return Number.isNaN(micros) ? INVALID : micros;
  };
  return leaf(schema, fast, 'timestamp', options, timestampFromBytes);
}

/** Text columns of PostgreSQL (and Redshift) cannot hold U+0000: such a record is rejected here, not at load. */
const NUL_MESSAGE = 'contains a NUL character (\\u0000)';
const noNul = (s: string) => !s.includes('\u0000');

/**
 * Length limits count characters (code points), as zod's min/max do, not UTF-16 code units. The
 * byte bound is 4 bytes a character, capped at MAX_TEXT_BYTES: only a limit above 16,383
 * characters can break it without breaking the character limit, so only such a field counts bytes.
 */
export function string(limits: { min?: number; max: number }, options?: FieldOptions) {
  const min = limits.min ?? 1,
    max = limits.max;
  const maxBytes = charsToBytes(max);
  const countBytes = 4 * max > maxBytes;
  const fast: FastCheck = (v) => {
    if (typeof v !== 'string') return INVALID;
    // Code points lie between ceil(length / 2) and length: count them only when that range straddles a limit.
    const n = v.length <= max && (v.length + 1) >> 1 >= min ? min : codePoints(v);
    if (countBytes && !fitsBytes(v, maxBytes)) return INVALID;
    return n >= min && n <= max && !v.includes('\u0000') ? v : INVALID;
  };
  // Code points are the bytes that do not continue a UTF-8 sequence; a NUL byte never reaches here
  // (readLineBytes refuses an object holding one, and `\u0000` is an escape).
  const fromBytes: ByteCheck = (bytes, start, end) => {
    const length = end - start;
    if (length > maxBytes) return INVALID;
    // Bytes bound the code points from above and (a quarter of them) from below.
    if (length <= max && (length + 3) >> 2 >= min) return AS_BYTES;
    let n = 0;
    for (let i = start; i < end; i++) if ((bytes[i]! & 0xc0) !== 0x80) n++;
    return n >= min && n <= max ? AS_BYTES : INVALID;
  };
  let schema: z.ZodType = z.string().min(min).max(max).refine(noNul, NUL_MESSAGE);
  if (countBytes) schema = schema.check(byteBound('a string', maxBytes));
  return leaf(schema, fast, 'string', options, fromBytes, maxBytes);
}

/**
 * An IPv4 or IPv6 address in text form, by zod's own patterns (dotted quad without leading zeros;
 * IPv6 in hex groups, `::` allowed, no zone and no embedded IPv4), so the fast check and zod agree.
 */
export function ip(options?: FieldOptions) {
  const isIp = (v: string) => regexes.ipv4.test(v) || regexes.ipv6.test(v);
  const fast: FastCheck = (v) => (typeof v === 'string' && isIp(v) ? v : INVALID);
  // Addresses are ASCII: any other byte is refused here, as the patterns refuse it.
  const fromBytes: ByteCheck = (bytes, start, end) => {
    if (end - start > 45) return INVALID;
    for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return INVALID;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    return isIp(text) ? text : INVALID;
  };
  return leaf(
    z.string().refine(isIp, 'not an IPv4 or IPv6 address'),
    fast,
    'string',
    options,
    fromBytes,
    IP_TEXT_BYTES,
  );
}

/**
 * A string matching `regex`. Its byte bound is the pattern's longest match when the pattern says
 * (`^[A-Z]{3}$`: 3 bytes), which the pattern itself enforces; otherwise MAX_TEXT_BYTES, checked.
 */
export function pattern(regex: RegExp, message: string, options?: FieldOptions) {
  const longest = longestMatchBytes(regex);
  const maxBytes = longest ?? MAX_TEXT_BYTES;
  const countBytes = longest === undefined;
  const fast: FastCheck = (v) =>
    typeof v === 'string' && regex.test(v) && !v.includes('\u0000') && (!countBytes || fitsBytes(v, maxBytes))
      ? v
      : INVALID;
  let schema: z.ZodType = z.string().regex(regex, message).refine(noNul, NUL_MESSAGE);
  if (countBytes) schema = schema.check(byteBound('a string', maxBytes));
  // The token's bytes, without escapes, are the string's UTF-8: the same check on the decoded text,
  // so records with such a field (purchase's currency) can take the byte-level fast lane.
  const fromBytes: ByteCheck = (bytes, start, end) =>
    fast(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8'));
  return leaf(schema, fast, 'string', options, fromBytes, maxBytes);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, options?: FieldOptions) {
  const allowed = new Set<unknown>(values);
  const fast: FastCheck = (v) => (allowed.has(v) ? v : INVALID);
  const encoded = values.map((v) => Buffer.from(v, 'utf8'));
  const fromBytes: ByteCheck = (bytes, start, end) => {
    for (let k = 0; k < encoded.length; k++) {
      const value = encoded[k]!;
      if (value.length !== end - start) continue;
      let i = 0;
      while (i < value.length && value[i] === bytes[start + i]) i++;
      if (i === value.length) return values[k];
    }
    return INVALID;
  };
  const maxBytes = Math.max(...encoded.map((e) => e.length));
  return leaf(z.enum(values), fast, 'string', options, fromBytes, maxBytes);
}

export function number(limits: { min?: number; max?: number } = {}, options?: FieldOptions) {
  const min = limits.min ?? -Infinity,
    max = limits.max ?? Infinity;
  let schema = z.number();
  if (limits.min !== undefined) schema = schema.min(limits.min);
  if (limits.max !== undefined) schema = schema.max(limits.max);
  // JSON has no NaN or Infinity, but zod refuses them too, so the fast path must.
  const fast: FastCheck = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : INVALID);
  return leaf(schema, fast, 'double', options);
}

export function integer(limits: { min?: number; max?: number } = {}, options?: FieldOptions) {
  const min = limits.min ?? -Infinity,
    max = limits.max ?? Infinity;
  let schema = z.int();
  if (limits.min !== undefined) schema = schema.min(limits.min);
  if (limits.max !== undefined) schema = schema.max(limits.max);
  const fast: FastCheck = (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : INVALID;
  return leaf(schema, fast, 'int64', options);
}

/**
 * An exact decimal (money): a JSON number within [min, max], stored as DECIMAL(18,4) and rounded
 * half-even to 4 fraction digits from its decimal text (schemas/decimal.ts), so a float artifact
 * such as 19.990000000000002 is 19.99. The normalised value is an integer count of 10^-4 units.
 * The bounds apply to the number as written, before rounding.
 */
export function decimal(limits: { min: number; max: number; scale?: number }, options?: FieldOptions) {
  const { min, max } = limits;
  if ((limits.scale ?? DECIMAL_SCALE) !== DECIMAL_SCALE)
    throw new Error(
      `decimal fields have ${DECIMAL_SCALE} fraction digits (DECIMAL(${DECIMAL_PRECISION},${DECIMAL_SCALE}))`,
    );
  if (!(min <= max) || Math.abs(min) > MAX_DECIMAL || Math.abs(max) > MAX_DECIMAL)
    throw new Error(`decimal bounds must lie within ±${MAX_DECIMAL}, min <= max`);
  const schema = z.number().min(min).max(max).transform(unitsOfNumber);
  const fast: FastCheck = (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? unitsOfNumber(v) : INVALID;
  // The bounds on the parsed number, as `fast` checks them; the units from the token's own digits.
  const fromNumberBytes: ByteCheck = (bytes, start, end) => {
    const v = Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
    return v >= min && v <= max ? unitsOfBytes(bytes, start, end) : INVALID;
  };
  return leaf(schema, fast, 'decimal', options, undefined, undefined, fromNumberBytes);
}

/** A boolean that reads as `whenAbsent` when the source omits it. */
export function boolean(whenAbsent?: boolean, options?: FieldOptions) {
  const schema = whenAbsent === undefined ? z.boolean() : z.boolean().default(whenAbsent);
  const fast: FastCheck = (v) =>
    typeof v === 'boolean' ? v : v === undefined && whenAbsent !== undefined ? whenAbsent : INVALID;
  return leaf(schema, fast, 'boolean', options);
}

/** Any JSON value matching `schema`, stored as JSON text of at most MAX_TEXT_BYTES UTF-8 bytes. */
export function jsonText(schema: z.ZodType, options?: FieldOptions): Field & FieldModifiers {
  // JSON text columns are rare and their inner shape is open, so zod itself is fast enough here.
  const field: Field = {
    schema: schema.transform((v, ctx) => {
      const text = JSON.stringify(v);
      if (fitsBytes(text, MAX_TEXT_BYTES)) return text;
      const message = overBytesMessage('JSON text', utf8Length(text), MAX_TEXT_BYTES);
      ctx.issues.push({ code: 'custom', message, input: v });
      return z.NEVER;
    }),
    fast: (v) => {
      const result = schema.safeParse(v);
      if (!result.success) return INVALID;
      const text = JSON.stringify(result.data);
      return fitsBytes(text, MAX_TEXT_BYTES) ? text : INVALID;
    },
    opaque: true,
    columns: (name, path) => [leafColumn(name, path, 'json', false, options ?? {}, MAX_TEXT_BYTES)],
  };
  return withModifiers(field, 'json', options ?? {}, MAX_TEXT_BYTES);
}

/** A nested object whose fields become columns `${name}_${field}`. */
export function flatten(children: Record<string, Field>): Field {
  const entries = Object.entries(children);
  return {
    schema: z.object(Object.fromEntries(entries.map(([k, f]) => [k, f.schema]))),
    fast: (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return INVALID;
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) {
        const value = f.fast((v as Record<string, unknown>)[k]);
        if (value === INVALID) return INVALID;
        out[k] = value;
      }
      return out;
    },
    opaque: false,
    children,
    columns: (name, path) =>
      Object.entries(children).flatMap(([child, f]) =>
        f.columns(child, [...path, child]).map((c) => ({ ...c, name: `${name}_${c.name}` })),
      ),
  };
}
