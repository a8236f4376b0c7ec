/**
 * A generated corpus, as read by telemetry-corpus.ts, checked against the catalog's rules written
 * out plainly and compared with what the generator says it wrote: for the generator's tests.
 */
import { isIP } from 'node:net';
import { expect } from 'vitest';
import type { GenerateResult } from '../../generator/generate-telemetry';
import type { Corpus } from './telemetry-corpus';

// ---------------------------------------------------------------------------------------------
// The catalog's rules, written out plainly from shared/event-catalog.md.

export type Rule = (v: unknown) => boolean;
const isUuid: Rule = (v) =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
const isTimestamp: Rule = (v) => {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return false;
  const millis = Date.parse(m[1]! + (m[3] === 'Z' ? 'Z' : m[3]));
  if (Number.isNaN(millis)) return false;
  const year = new Date(millis).getUTCFullYear();
  return year >= 2000 && year <= 2100;
};
const str =
  (min: number, max: number): Rule =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max;
const num =
  (min = -Infinity, max = Infinity): Rule =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const int =
  (min = -Infinity): Rule =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min;
const oneOf =
  (...values: string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const boolOrAbsent: Rule = (v) => v === undefined || typeof v === 'boolean';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Table {
  key: string[];
  fields: Record<string, Rule>;
  /** Declared sub-fields of flattened objects, for drift. */
  nested?: Record<string, string[]>;
}

export const CATALOG: Record<string, Table> = {
  session_begin: {
    key: ['id'],
    fields: {
      id: isUuid,
      date: isTimestamp,
      psess: isUuid,
      player_id: str(1, 64),
      platform: oneOf('pc', 'ps5', 'xbox', 'switch', 'ios', 'android'),
      app_version: str(1, 32),
      detailed_logging: boolOrAbsent,
      ip: (v) => v === undefined || (typeof v === 'string' && isIP(v) !== 0),
      device_id: (v) => v === undefined || str(1, 128)(v),
    },
  },
  session_end: {
    key: ['id'],
    fields: {
      id: isUuid,
      date: isTimestamp,
      psess: isUuid,
      duration_s: num(0),
      reason: oneOf('quit', 'disconnect', 'crash', 'kicked', 'timeout'),
    },
  },
  damage_dealt: {
    key: ['id'],
    fields: {
      id: isUuid,
      date: isTimestamp,
      gsess: isUuid,
      psess: isUuid,
      eid: int(0),
      weapon: str(1, 64),
      amount: num(0),
      critical: boolOrAbsent,
    },
  },
  damage_taken: {
    key: ['gsess', 'hit_id'],
    fields: { gsess: isUuid, hit_id: isUuid, date: isTimestamp, psess: isUuid, source: str(1, 64), amount: num(0) },
  },
  kiosk_weapon_offered: {
    key: ['id'],
    fields: { id: isUuid, date: isTimestamp, psess: isUuid, gsess: isUuid, eid: int(0), weapon: str(1, 64) },
  },
  purchase: {
    key: ['id'],
    fields: {
      id: isUuid,
      date: isTimestamp,
      psess: isUuid,
      player_id: str(1, 64),
      sku: str(1, 64),
      amount: num(0, 1_000_000),
      currency: (v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v),
    },
  },
  score_adjustment: {
    key: ['id'],
    fields: { id: isUuid, date: isTimestamp, psess: isUuid, player_id: str(1, 64), delta: int(), reason: str(0, 128) },
  },
  loadout_changed: {
    key: ['id'],
    fields: {
      id: isUuid,
      date: isTimestamp,
      psess: isUuid,
      items: (v) => Array.isArray(v) && v.every((i) => typeof i === 'string'),
      perks: (v) => v === undefined || v === null || isObject(v),
    },
  },
  match_end: {
    key: ['gsess', 'psess'],
    fields: {
      gsess: isUuid,
      psess: isUuid,
      date: isTimestamp,
      result: oneOf('win', 'loss', 'draw'),
      kills: int(0),
      deaths: int(0),
      stats: (v) => isObject(v) && num(0, 1)(v.accuracy) && int(0)(v.headshots),
    },
    nested: { stats: ['accuracy', 'headshots'] },
  },
};

export const ALL_KINDS = [
  'bad_uuid',
  'currency_not_upper_case',
  'enum_value_outside',
  'event_not_string',
  'integer_as_fraction',
  'json_array',
  'json_string',
  'missing_required_field',
  'no_event_field',
  'number_as_string',
  'range_above_maximum',
  'range_negative',
  'string_as_number',
  'string_length',
  'timestamp_without_timezone',
  'timestamp_year_out_of_range',
  'truncated_json',
  'wrong_json_type',
];

export interface Derived {
  records: number;
  distinctValid: Record<string, number>;
  duplicates: number;
  invalid: number;
  junk: Record<string, number>;
  unknown: Record<string, number>;
  drift: string[];
  validWritten: number;
  driftRecords: number;
  /** Duplicates whose first copy is in another file. */
  duplicatesAcrossFiles: number;
  /** Per valid key: the distinct normalised texts seen (uuids lower-cased, keys sorted). */
  variants: Map<string, Set<string>>;
  /** Duplicates byte-identical to their first copy, differing in uuid case only, in key order only. */
  identical: number;
  caseOnly: number;
  orderOnly: number;
  dates: number[];
  dau: Record<string, Set<string>>;
  /** currency -> exact sum of purchase.amount as stored: units of 0.0001 (DECIMAL(18,4)). */
  bookingsUnits: Record<string, bigint>;
  upperCaseFresh: number;
  zones: Set<string>;
  fractions: Set<number>;
  /** The first copy of every valid event. */
  events: Record<string, unknown>[];
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sortKeys(v[k])]),
        )
      : v;
const UUIDS = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const lowerUuids = (text: string) => text.replace(UUIDS, (u) => u.toLowerCase());

export function derive(corpus: Corpus): Derived {
  const d: Derived = {
    records: 0,
    distinctValid: {},
    duplicates: 0,
    invalid: 0,
    junk: {},
    unknown: {},
    drift: [],
    validWritten: 0,
    driftRecords: 0,
    duplicatesAcrossFiles: 0,
    variants: new Map(),
    identical: 0,
    caseOnly: 0,
    orderOnly: 0,
    dates: [],
    dau: {},
    bookingsUnits: {},
    upperCaseFresh: 0,
    zones: new Set(),
    fractions: new Set(),
    events: [],
  };
  const first = new Map<string, { file: number; text: string }>();
  const drift = new Set<string>();
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  for (const seg of corpus.segments) {
    d.records++;
    if (!seg.parsed) {
      d.invalid++;
      bump(d.junk, 'truncated_json');
      continue;
    }
    const v = seg.value;
    if (!isObject(v)) {
      d.invalid++;
      bump(d.junk, Array.isArray(v) ? 'json_array' : 'json_string');
      continue;
    }
    if (!('event' in v)) {
      d.invalid++;
      bump(d.junk, 'no_event_field');
      continue;
    }
    if (typeof v.event !== 'string') {
      d.invalid++;
      bump(d.junk, 'event_not_string');
      continue;
    }
    const table = CATALOG[v.event];
    if (table === undefined) {
      bump(d.unknown, v.event);
      continue;
    }
    // Drift: undeclared attributes of any record of a known type.
    let undeclared = 0;
    for (const k of Object.keys(v)) {
      if (k !== 'event' && !(k in table.fields)) {
        drift.add(`${v.event}.${k}`);
        undeclared++;
      }
    }
    for (const [name, children] of Object.entries(table.nested ?? {})) {
      const inner = v[name];
      if (isObject(inner))
        for (const k of Object.keys(inner))
          if (!children.includes(k)) {
            drift.add(`${v.event}.${name}.${k}`);
            undeclared++;
          }
    }
    const valid = Object.entries(table.fields).every(([name, rule]) => rule(v[name]));
    if (!valid) {
      d.invalid++;
      continue;
    }
    d.validWritten++;
    const key = `${v.event}|${table.key.map((k) => String(v[k]).toLowerCase()).join('|')}`;
    const normalised = JSON.stringify(sortKeys(JSON.parse(lowerUuids(seg.text))));
    let variants = d.variants.get(key);
    if (variants === undefined) d.variants.set(key, (variants = new Set()));
    variants.add(normalised);
    const earlier = first.get(key);
    if (earlier !== undefined) {
      d.duplicates++;
      if (earlier.file !== seg.file) d.duplicatesAcrossFiles++;
      if (earlier.text === seg.text) d.identical++;
      else if (lowerUuids(earlier.text) === lowerUuids(seg.text)) d.caseOnly++;
      else d.orderOnly++;
      continue;
    }
    first.set(key, { file: seg.file, text: seg.text });
    d.events.push(v);
    bump(d.distinctValid, v.event);
    if (undeclared > 0) d.driftRecords++;
    const date = String(v.date);
    const zone = /(Z|[+-]\d{2}:\d{2})$/.exec(date)![1]!;
    d.zones.add(zone);
    d.fractions.add(/\.(\d+)/.exec(date)?.[1]!.length ?? 0);
    const millis = Date.parse(date.replace(/\.\d+/, '').replace(/Z$/, '') + (zone === 'Z' ? 'Z' : ''));
    d.dates.push(millis);
    if (/[A-F]/.test(String(v.psess))) d.upperCaseFresh++;
    if (v.event === 'session_begin')
      (d.dau[new Date(millis).toISOString().slice(0, 10)] ??= new Set()).add(String(v.player_id));
    if (v.event === 'purchase') {
      // From the amount's own text in the raw record, never through a double.
      const token = /"amount"\s*:\s*(-?[0-9][0-9.eE+-]*)/.exec(seg.text)![1]!;
      d.bookingsUnits[String(v.currency)] = (d.bookingsUnits[String(v.currency)] ?? 0n) + exactUnits(token);
    }
  }
  d.drift = [...drift].sort();
  return d;
}

export function expectGroundTruth(result: GenerateResult, d: Derived): void {
  const e = result.expected;
  expect(d.records).toBe(result.records);
  expect(result.files.reduce((n, f) => n + f.records, 0)).toBe(result.records);
  expect(d.distinctValid).toEqual(Object.fromEntries(Object.entries(e.distinctValid).filter(([, n]) => n > 0)));
  expect(d.duplicates).toBe(e.duplicates);
  expect(d.invalid).toBe(e.invalid);
  expect(Object.values(e.invalidByKind).reduce((a, b) => a + b, 0)).toBe(e.invalid);
  for (const kind of ['truncated_json', 'json_array', 'json_string', 'no_event_field', 'event_not_string']) {
    expect(d.junk[kind] ?? 0, kind).toBe(e.invalidByKind[kind] ?? 0);
  }
  expect(d.unknown).toEqual(e.unknown);
  expect(d.drift).toEqual(e.drift.map((x) => `${x.event}.${x.attribute}`).sort());
  // A re-delivery never changes an event: one normalised form per key.
  for (const [key, variants] of d.variants) expect(variants.size, key).toBe(1);
  expect(Object.fromEntries(Object.entries(d.dau).map(([day, s]) => [day, s.size]))).toEqual(e.kpi.dailyActiveUsers);
  // The generator sums prices in cents; the stored decimals (19.990000000000002 is 19.99) must add up to them.
  expect(d.bookingsUnits).toEqual(
    Object.fromEntries(Object.entries(e.kpi.bookings).map(([c, v]) => [c, BigInt(Math.round(v * 100)) * 100n])),
  );
}

/**
 * A JSON number token as the decimal the catalog stores: units of 0.0001, rounded half-even, in
 * BigInt arithmetic on the token's digits (an implementation of the spec independent of schemas/).
 */
export function exactUnits(token: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (m === null) throw new Error(`not a JSON number: ${token}`);
  const digits = BigInt(m[2]! + (m[3] ?? ''));
  // value = digits * 10^-(fraction digits - exponent); units = value * 10^4
  const shift = 4 - ((m[3] ?? '').length - Number(m[4] ?? 0));
  const sign = m[1] === '-' ? -1n : 1n;
  if (shift >= 0) return sign * digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const quotient = digits / divisor,
    twice = 2n * (digits % divisor);
  const up = twice > divisor || (twice === divisor && quotient % 2n === 1n);
  return sign * (up ? quotient + 1n : quotient);
}
