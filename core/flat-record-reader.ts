/**
 * Reads a record the byte-level fast lane tokenized (FlatJsonLine) straight into its output
 * column values, with the same rules and normalisation as EventType.toRow on the parsed record:
 * each field's `fromBytes` check for string tokens, its `fromNumberBytes` check for number tokens
 * when it has one (decimals), its `fast` check for the other tokens and for a missing field. Undeclared keys with scalar values (drift, as producers add attributes) are
 * read as names only, for the drift registry. A record it cannot read exactly (unknown or missing
 * tag, a repeated key, an undeclared key spelled as a number, a field whose strings need a JS
 * string, any invalid value) is left to the string path, which parses it and says why it is refused.
 */
import type { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';
import {
  AS_BYTES,
  INVALID,
  timestampFromBytes,
  uuidFromBytes,
  type ByteCheck,
  type FastCheck,
} from '../schemas/fields';
import {
  FALSE,
  KEY_FIELDS,
  NULL,
  NUMBER,
  STRING,
  TRUE,
  isDigit,
  numberValue,
  type FlatJsonLine,
} from './flat-json-line';

/** An event type the fast lane can read: flat fields only, each one output column, keys of uuids. */
export interface FlatRecordPlan {
  readonly type: EventType;
  readonly tag: Uint8Array;
  readonly names: readonly string[];
  readonly nameBytes: readonly Uint8Array[];
  readonly fromBytes: readonly (ByteCheck | undefined)[];
  /** Per field, which byte check it has: the uuid and timestamp rules are called directly (no call through a closure). */
  readonly byteRules: Uint8Array;
  readonly fast: readonly FastCheck[];
  /** Per field, its check of a number token's bytes (decimals, rounded from the token's digits), else undefined. */
  readonly fromNumberBytes: readonly (ByteCheck | undefined)[];
  /** Column index of each unique key field, in key order. */
  readonly keyColumns: readonly number[];
}

const EVENT = Buffer.from('event');
const NONE = 0,
  UUID = 1,
  TIMESTAMP = 2,
  OTHER = 3;

export class FlatRecordReader {
  private readonly plans: FlatRecordPlan[];
  /** After read(): per column, the JS value, or (when `starts[i] >= 0`) the value's bytes `[starts[i], ends[i])`. */
  readonly values: unknown[] = [];
  readonly starts = new Int32Array(64);
  readonly ends = new Int32Array(64);
  /** After read(): where each unique key field's uuid bytes start, in key order. */
  readonly keyAt = new Int32Array(8);
  /** After read(): the record's keys in record order (`event` and undeclared keys included), `keyCount` of them. */
  readonly keyNames: string[] = [];
  keyCount = 0;
  /** Per field, the number of the last read() that saw it: no clearing between records. */
  private readonly seen = new Int32Array(64);
  private reads = 0;
  /** The read() whose record had an `event` key last. */
  private eventSeen = 0;
  private readonly undeclared = new UndeclaredNames();

  constructor(catalog: Catalog) {
    this.plans = catalog.eventTypes.map(planOf).filter((p): p is FlatRecordPlan => p !== undefined);
  }

  /** The plan of the record's `event` tag, or undefined when the record must take the string path. */
  route(bytes: Uint8Array, line: FlatJsonLine, record: number): FlatRecordPlan | undefined {
    const keys = line.keys;
    const first = line.spans[record * 4 + 2]!,
      count = line.spans[record * 4 + 3]!;
    for (let i = first * KEY_FIELDS; i < (first + count) * KEY_FIELDS; i += KEY_FIELDS) {
      if (!equalBytes(bytes, keys[i]!, keys[i + 1]!, EVENT)) continue;
      if (keys[i + 4] !== STRING) return undefined;
      for (const plan of this.plans) if (equalBytes(bytes, keys[i + 2]!, keys[i + 3]!, plan.tag)) return plan;
      return undefined;
    }
    return undefined;
  }

  /**
   * A key that is not a field, at position `n` of the record of read `stamp`: `event`, matched by
   * route(), or an undeclared key (drift) with a scalar value, which is not a column, only a name
   * for the drift registry. False when the record must take the string path. Out of read() so
   * that read's own code stays as small as the records without such keys need.
   */
  private otherKey(bytes: Uint8Array, keyStart: number, keyEnd: number, n: number, stamp: number): boolean {
    if (equalBytes(bytes, keyStart, keyEnd, EVENT)) {
      // A second `event` is left to JSON.parse, which keeps the last.
      if (this.eventSeen === stamp) return false;
      this.eventSeen = stamp;
      this.keyNames[n] = 'event';
      return true;
    }
    const name = this.undeclared.nameOf(bytes, keyStart, keyEnd);
    if (name === undefined) return false;
    for (let m = 0; m < n; m++) if (this.keyNames[m] === name) return false;
    this.keyNames[n] = name;
    return true;
  }

  /** Fills the values of a valid record of `plan`'s type; false (values unspecified) when it must take the string path. */
  read(bytes: Uint8Array, line: FlatJsonLine, record: number, plan: FlatRecordPlan): boolean {
    const keys = line.keys,
      values = this.values,
      starts = this.starts,
      ends = this.ends,
      seen = this.seen;
    const names = plan.names,
      nameBytes = plan.nameBytes,
      width = names.length;
    const first = line.spans[record * 4 + 2]!,
      count = line.spans[record * 4 + 3]!;
    const stamp = ++this.reads;
    let guess = 0;
    for (let n = 0; n < count; n++) {
      const i = (first + n) * KEY_FIELDS;
      const keyStart = keys[i]!,
        keyEnd = keys[i + 1]!;
      // Producers write their keys in one order: the field after the last one matched comes first.
      let field = -1;
      if (guess < width && equalBytes(bytes, keyStart, keyEnd, nameBytes[guess]!)) field = guess;
      else {
        for (let f = 0; f < width; f++) {
          if (equalBytes(bytes, keyStart, keyEnd, nameBytes[f]!)) {
            field = f;
            break;
          }
        }
      }
      if (field < 0) {
        if (!this.otherKey(bytes, keyStart, keyEnd, n, stamp)) return false;
        continue;
      }
      if (seen[field] === stamp) return false;
      seen[field] = stamp;
      this.keyNames[n] = names[field]!;
      guess = field + 1;
      const kind = keys[i + 4]!;
      let value: unknown;
      if (kind === STRING) {
        const rule = plan.byteRules[field];
        if (rule === NONE) return false;
        value =
          rule === UUID
            ? uuidFromBytes(bytes, keys[i + 2]!, keys[i + 3]!)
            : rule === TIMESTAMP
              ? timestampFromBytes(bytes, keys[i + 2]!, keys[i + 3]!)
              : plan.fromBytes[field]!(bytes, keys[i + 2]!, keys[i + 3]!);
        if (value === AS_BYTES) {
          starts[field] = keys[i + 2]!;
          ends[field] = keys[i + 3]!;
          continue;
        }
      } else if (kind === NUMBER && plan.fromNumberBytes[field] !== undefined) {
        value = plan.fromNumberBytes[field]!(bytes, keys[i + 2]!, keys[i + 3]!);
      } else {
        value = plan.fast[field]!(
          kind === NUMBER
            ? numberValue(bytes, keys[i + 2]!, keys[i + 3]!)
            : kind === TRUE
              ? true
              : kind === FALSE
                ? false
                : kind === NULL
                  ? null
                  : undefined,
        );
      }
      if (value === INVALID) return false;
      values[field] = value;
      starts[field] = -1;
    }
    for (let f = 0; f < width; f++) {
      if (seen[f] === stamp) continue;
      const value = plan.fast[f]!(undefined);
      if (value === INVALID) return false;
      values[f] = value;
      starts[f] = -1;
    }
    for (let k = 0; k < plan.keyColumns.length; k++) this.keyAt[k] = starts[plan.keyColumns[k]!]!;
    this.keyCount = count;
    return true;
  }
}

/** Undefined for a type the fast lane leaves to the string path: flattened objects, JSON text, or a key that is not all uuids. */
function planOf(type: EventType): FlatRecordPlan | undefined {
  const fields = Object.entries(type.declaration.fields);
  if (!type.keyIsUuid || fields.length !== type.columns.length || fields.length > 64 || type.uniqueKey.length > 8)
    return undefined;
  if (
    fields.some(
      ([name, field], i) =>
        field.children !== undefined ||
        field.opaque ||
        type.columns[i]!.path.length !== 1 ||
        type.columns[i]!.path[0] !== name,
    )
  )
    return undefined;
  const names = fields.map(([name]) => name);
  return {
    type,
    tag: Buffer.from(type.tag),
    names,
    nameBytes: names.map((n) => Buffer.from(n)),
    fromBytes: fields.map(([, f]) => f.fromBytes),
    byteRules: Uint8Array.from(
      fields.map(([, f]) =>
        f.fromBytes === undefined
          ? NONE
          : f.fromBytes === uuidFromBytes
            ? UUID
            : f.fromBytes === timestampFromBytes
              ? TIMESTAMP
              : OTHER,
      ),
    ),
    fast: fields.map(([, f]) => f.fast),
    fromNumberBytes: fields.map(([, f]) => f.fromNumberBytes),
    keyColumns: type.uniqueKey.map((k) => names.indexOf(k)),
  };
}

/**
 * The names of undeclared keys as strings, decoded once: a producer that adds an attribute writes
 * it in every record, so the few names seen are kept and found again by their bytes.
 */
class UndeclaredNames {
  private readonly bytes: Uint8Array[] = [];
  private readonly names: string[] = [];

  /**
   * Undefined for a name the reader leaves to the string path: an empty one, `__proto__`, or one
   * starting with a digit, since JavaScript objects list integer-like keys first and the names
   * must be in the order observe() walks the parsed record's keys.
   */
  nameOf(bytes: Uint8Array, start: number, end: number): string | undefined {
    for (let i = 0; i < this.bytes.length; i++) if (equalBytes(bytes, start, end, this.bytes[i]!)) return this.names[i];
    if (start === end || isDigit(bytes[start]!)) return undefined;
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
    if (name === '__proto__') return undefined;
    // A bound, so random keys cannot grow the list; past it, names are decoded every time.
    if (this.bytes.length < MAX_REMEMBERED_NAMES) {
      this.bytes.push(Uint8Array.from(bytes.subarray(start, end)));
      this.names.push(name);
    }
    return name;
  }
}

const MAX_REMEMBERED_NAMES = 32;

function equalBytes(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[start + i] !== expected[i]) return false;
  return true;
}
