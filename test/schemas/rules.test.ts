/**
 * Every rule of event-catalog.md, for every event type, table-driven: each field is given values
 * the spec accepts (and how they are stored) and values it rejects (the reason must name the field).
 * The rules below are transcribed from the spec, not from schemas/.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { classifyRecord } from '../../core/classify-record';
import { U, VALID } from '../helpers/catalog-samples';

const ABSENT = Symbol('absent');
type Value = unknown;

type Rule =
  | { kind: 'uuid' }
  | { kind: 'timestamp' }
  | { kind: 'string'; min: number; max: number; optional?: boolean }
  | { kind: 'ip' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'number'; min: number; max?: number }
  | { kind: 'integer'; min?: number }
  | { kind: 'boolean'; whenAbsent: boolean }
  | { kind: 'currency' }
  | { kind: 'stringArrayJson' }
  | { kind: 'optionalObjectJson' }
  | { kind: 'object' };

const uuid: Rule = { kind: 'uuid' };
const ts: Rule = { kind: 'timestamp' };
const str = (min: number, max: number): Rule => ({ kind: 'string', min, max });

/** The spec's table, field by field, in column order; nested fields by dotted path. */
const RULES: Record<string, [string, Rule][]> = {
  session_begin: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['player_id', str(1, 64)],
    ['platform', { kind: 'enum', values: ['pc', 'ps5', 'xbox', 'switch', 'ios', 'android'] }],
    ['app_version', str(1, 32)],
    ['detailed_logging', { kind: 'boolean', whenAbsent: false }],
    ['ip', { kind: 'ip' }],
    ['device_id', { kind: 'string', min: 1, max: 128, optional: true }],
  ],
  session_end: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['duration_s', { kind: 'number', min: 0 }],
    ['reason', { kind: 'enum', values: ['quit', 'disconnect', 'crash', 'kicked', 'timeout'] }],
  ],
  damage_dealt: [
    ['id', uuid],
    ['date', ts],
    ['gsess', uuid],
    ['psess', uuid],
    ['eid', { kind: 'integer', min: 0 }],
    ['weapon', str(1, 64)],
    ['amount', { kind: 'number', min: 0 }],
    ['critical', { kind: 'boolean', whenAbsent: false }],
  ],
  damage_taken: [
    ['gsess', uuid],
    ['hit_id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['source', str(1, 64)],
    ['amount', { kind: 'number', min: 0 }],
  ],
  kiosk_weapon_offered: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['gsess', uuid],
    ['eid', { kind: 'integer', min: 0 }],
    ['weapon', str(1, 64)],
  ],
  purchase: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['player_id', str(1, 64)],
    ['sku', str(1, 64)],
    ['amount', { kind: 'number', min: 0, max: 1_000_000 }],
    ['currency', { kind: 'currency' }],
  ],
  score_adjustment: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['player_id', str(1, 64)],
    ['delta', { kind: 'integer' }],
    ['reason', str(0, 128)],
  ],
  loadout_changed: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['items', { kind: 'stringArrayJson' }],
    ['perks', { kind: 'optionalObjectJson' }],
  ],
  match_end: [
    ['gsess', uuid],
    ['psess', uuid],
    ['date', ts],
    ['result', { kind: 'enum', values: ['win', 'loss', 'draw'] }],
    ['kills', { kind: 'integer', min: 0 }],
    ['deaths', { kind: 'integer', min: 0 }],
    ['stats', { kind: 'object' }],
    ['stats.accuracy', { kind: 'number', min: 0, max: 1 }],
    ['stats.headshots', { kind: 'integer', min: 0 }],
  ],
};

const DATE_MICROS = Date.UTC(2026, 10, 22, 10, 0, 0) * 1000;

// VALID (test/helpers/catalog-samples.ts): a valid record of every type; each case changes one field of it.

/** The row the spec expects for each VALID record, in column order. */
const VALID_ROWS: Record<string, unknown[]> = {
  session_begin: [U.a, DATE_MICROS, U.b, 'player-1', 'pc', '1.4.2', true, '203.0.113.77', 'device-1'],
  session_end: [U.a, DATE_MICROS, U.b, 600.5, 'quit'],
  damage_dealt: [U.a, DATE_MICROS, U.c, U.b, 7, 'rifle', 12.5, true],
  damage_taken: [U.c, U.d, DATE_MICROS, U.b, 'grenade', 30],
  kiosk_weapon_offered: [U.a, DATE_MICROS, U.b, U.c, 3, 'shotgun'],
  purchase: [U.a, DATE_MICROS, U.b, 'player-1', 'gold_pack', 4.99, 'EUR'],
  score_adjustment: [U.a, DATE_MICROS, U.b, 'player-1', -25, 'team kill'],
  loadout_changed: [U.a, DATE_MICROS, U.b, '["rifle","scope"]', '{"speed":2}'],
  match_end: [U.c, U.b, DATE_MICROS, 'win', 10, 2, 0.42, 4],
};

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;

interface Accept {
  label: string;
  value: Value;
  stored: unknown;
  json?: boolean;
}
interface Reject {
  label: string;
  value: Value;
}

/** Wrong JSON types for a field that expects a string. */
const notAString: Reject[] = [
  { label: 'a number', value: 12 },
  { label: 'a boolean', value: true },
  { label: 'null', value: null },
  { label: 'an array', value: ['x'] },
  { label: 'an object', value: { x: 1 } },
  { label: 'missing', value: ABSENT },
];
/** Wrong JSON types for a field that expects a number. */
const notANumber: Reject[] = [
  { label: 'a number as string "12"', value: '12' },
  { label: 'a numeric string "0"', value: '0' },
  { label: 'a boolean', value: true },
  { label: 'null', value: null },
  { label: 'an array', value: [1] },
  { label: 'an object', value: { v: 1 } },
  { label: 'missing', value: ABSENT },
];

function acceptedValues(rule: Rule): Accept[] {
  switch (rule.kind) {
    case 'uuid':
      return [
        { label: 'lower-case', value: U.a, stored: U.a },
        { label: 'upper-case, stored lower-case', value: U.a.toUpperCase(), stored: U.a },
        { label: 'mixed case, stored lower-case', value: '0F8fAD5b-D9cb-469F-a165-70867728950E', stored: U.a },
        {
          label: 'all zeros',
          value: '00000000-0000-0000-0000-000000000000',
          stored: '00000000-0000-0000-0000-000000000000',
        },
      ];
    case 'timestamp':
      return [
        { label: 'Z', value: '2026-11-22T10:00:00Z', stored: utc(2026, 11, 22, 10) },
        {
          label: 'positive offset with fraction',
          value: '2026-11-22T10:05:00.250+01:00',
          stored: utc(2026, 11, 22, 9, 5, 0, 250_000),
        },
        { label: 'negative half-hour offset', value: '2026-11-22T10:05:00-05:30', stored: utc(2026, 11, 22, 15, 35) },
        {
          label: 'offset crossing midnight forwards',
          value: '2026-11-22T23:30:00-01:00',
          stored: utc(2026, 11, 23, 0, 30),
        },
        {
          label: 'offset crossing a month backwards',
          value: '2026-03-01T00:30:00+02:00',
          stored: utc(2026, 2, 28, 22, 30),
        },
        { label: '+00:00', value: '2026-11-22T10:00:00+00:00', stored: utc(2026, 11, 22, 10) },
        { label: 'one fraction digit', value: '2026-11-22T10:00:00.1Z', stored: utc(2026, 11, 22, 10, 0, 0, 100_000) },
        { label: 'microseconds', value: '2026-11-22T10:00:00.123456Z', stored: utc(2026, 11, 22, 10, 0, 0, 123_456) },
        { label: 'leap day 2024', value: '2024-02-29T12:00:00Z', stored: utc(2024, 2, 29, 12) },
        { label: 'leap day 2000', value: '2000-02-29T00:00:00Z', stored: utc(2000, 2, 29) },
        { label: 'first instant of 2000', value: '2000-01-01T00:00:00Z', stored: utc(2000, 1, 1) },
        { label: 'last second of 2100', value: '2100-12-31T23:59:59Z', stored: utc(2100, 12, 31, 23, 59, 59) },
      ];
    case 'string': {
      const out: Accept[] = [
        {
          label: `${Math.max(rule.min, 1)} char(s)`,
          value: 'x'.repeat(Math.max(rule.min, 1)),
          stored: 'x'.repeat(Math.max(rule.min, 1)),
        },
        { label: `${rule.max} chars (the maximum)`, value: 'm'.repeat(rule.max), stored: 'm'.repeat(rule.max) },
        { label: 'non-ASCII text', value: 'jöueur-é', stored: 'jöueur-é' },
        { label: 'digits only', value: '12', stored: '12' },
        // "N chars": characters, so N emoji (2 UTF-16 code units each) fit, as zod's own rule counts them.
        {
          label: `${rule.max} non-BMP characters (emoji)`,
          value: '😀'.repeat(rule.max),
          stored: '😀'.repeat(rule.max),
        },
      ];
      if (rule.optional)
        out.push(
          { label: 'absent -> null', value: ABSENT, stored: null },
          { label: 'null -> null', value: null, stored: null },
        );
      if (rule.min === 0) out.push({ label: 'empty (allowed: 0 chars)', value: '', stored: '' });
      return out;
    }
    case 'ip':
      return [
        { label: 'IPv4', value: '203.0.113.77', stored: '203.0.113.77' },
        { label: 'IPv6', value: '2001:db8::1', stored: '2001:db8::1' },
        {
          label: 'IPv6 in full, upper-case',
          value: '2001:DB8:0:0:8:800:200C:417A',
          stored: '2001:DB8:0:0:8:800:200C:417A',
        },
        { label: 'absent -> null', value: ABSENT, stored: null },
        { label: 'null -> null', value: null, stored: null },
      ];
    case 'enum':
      return rule.values.map((v) => ({ label: `"${v}"`, value: v, stored: v }));
    case 'number': {
      const out: Accept[] = [
        { label: 'the minimum', value: rule.min, stored: rule.min },
        { label: 'a fraction', value: rule.min + 0.25, stored: rule.min + 0.25 },
      ];
      if (rule.max !== undefined) out.push({ label: 'the maximum', value: rule.max, stored: rule.max });
      else out.push({ label: 'a large value', value: 123456789.5, stored: 123456789.5 });
      return out;
    }
    case 'integer':
      return rule.min === undefined
        ? [
            { label: 'negative', value: -5, stored: -5 },
            { label: 'zero', value: 0, stored: 0 },
            { label: 'positive', value: 1_000_000, stored: 1_000_000 },
          ]
        : [
            { label: 'the minimum', value: rule.min, stored: rule.min },
            { label: 'a large value', value: 123_456_789, stored: 123_456_789 },
          ];
    case 'boolean':
      return [
        { label: 'true', value: true, stored: true },
        { label: 'false', value: false, stored: false },
        { label: `absent -> ${rule.whenAbsent}`, value: ABSENT, stored: rule.whenAbsent },
      ];
    case 'currency':
      return ['EUR', 'USD', 'JPY'].map((c) => ({ label: c, value: c, stored: c }));
    case 'stringArrayJson':
      return [
        { label: 'empty array', value: [], stored: [], json: true },
        {
          label: 'strings',
          value: ['rifle', 'scope', 'é "quoted"'],
          stored: ['rifle', 'scope', 'é "quoted"'],
          json: true,
        },
      ];
    case 'optionalObjectJson':
      return [
        { label: 'absent -> null', value: ABSENT, stored: null },
        { label: 'null -> null', value: null, stored: null },
        { label: 'empty object', value: {}, stored: {}, json: true },
        {
          label: 'nested object',
          value: { speed: 2, tags: ['a'], inner: { x: null, y: true } },
          stored: { speed: 2, tags: ['a'], inner: { x: null, y: true } },
          json: true,
        },
      ];
    case 'object':
      return [];
  }
}

function rejectedValues(rule: Rule): Reject[] {
  switch (rule.kind) {
    case 'uuid':
      return [
        ...notAString,
        { label: '35 chars', value: U.a.slice(0, 35) },
        { label: '37 chars', value: U.a + 'a' },
        { label: 'a non-hex letter', value: U.a.replace('f', 'g') },
        { label: 'no hyphens', value: U.a.replaceAll('-', '') },
        { label: 'hyphens misplaced', value: '0f8fad5bd-9cb-469f-a165-70867728950e' },
        { label: 'braces', value: `{${U.a}}` },
        { label: 'urn prefix', value: `urn:uuid:${U.a}` },
        { label: 'surrounding space', value: ` ${U.a}` },
        { label: 'non-ASCII digit', value: U.a.replace('0', '٠') },
        { label: 'empty', value: '' },
      ];
    case 'timestamp':
      return [
        ...notAString,
        { label: 'epoch seconds number', value: 1764000000 },
        { label: 'no timezone', value: '2026-11-22T10:00:00' },
        { label: 'no timezone, with fraction', value: '2026-11-22T10:00:00.250' },
        { label: 'date only', value: '2026-11-22' },
        { label: 'year 1999', value: '1999-12-31T23:59:59Z' },
        { label: 'year 2101', value: '2101-01-01T00:00:00Z' },
        { label: 'February 30', value: '2026-02-30T10:00:00Z' },
        { label: 'February 29 of a common year', value: '2026-02-29T10:00:00Z' },
        { label: 'February 29 2100 (not a leap year)', value: '2100-02-29T10:00:00Z' },
        { label: 'April 31', value: '2026-04-31T10:00:00Z' },
        { label: 'month 13', value: '2026-13-01T10:00:00Z' },
        { label: 'month 00', value: '2026-00-10T10:00:00Z' },
        { label: 'day 00', value: '2026-11-00T10:00:00Z' },
        { label: 'hour 25', value: '2026-11-22T25:00:00Z' },
        { label: 'minute 60', value: '2026-11-22T10:60:00Z' },
        { label: 'trailing junk', value: '2026-11-22T10:00:00Zjunk' },
        { label: 'text', value: 'yesterday' },
        { label: 'empty', value: '' },
      ];
    case 'ip':
      return [
        { label: 'a number', value: 12 },
        { label: 'an array', value: ['1.2.3.4'] },
        { label: 'octet 256', value: '256.1.1.1' },
        { label: 'three octets', value: '1.2.3' },
        { label: 'a leading zero', value: '01.2.3.4' },
        { label: 'a zone', value: 'fe80::1%eth0' },
        { label: 'two ::', value: '2001:db8::1::2' },
        { label: 'a host name', value: 'example.com' },
        { label: 'empty', value: '' },
      ];
    case 'string': {
      const out: Reject[] = [
        ...(rule.optional ? notAString.filter((r) => r.label !== 'null' && r.label !== 'missing') : notAString),
        { label: `${rule.max + 1} chars`, value: 'm'.repeat(rule.max + 1) },
        { label: `${rule.max + 1} non-BMP characters (emoji)`, value: '😀'.repeat(rule.max + 1) },
      ];
      if (rule.min >= 1) out.push({ label: 'empty (0 chars)', value: '' });
      return out;
    }
    case 'enum':
      return [
        ...notAString,
        { label: 'upper-case', value: rule.values[0]!.toUpperCase() },
        { label: 'a value outside the enum', value: 'other' },
        { label: 'empty', value: '' },
      ];
    case 'number': {
      const out: Reject[] = [
        ...notANumber,
        { label: 'below the minimum', value: rule.min - 0.01 },
        { label: 'negative', value: -1 },
      ];
      if (rule.max !== undefined)
        out.push(
          { label: 'above the maximum', value: rule.max + 0.01 },
          { label: 'far above the maximum', value: rule.max * 10 },
        );
      return out;
    }
    case 'integer': {
      const out: Reject[] = [
        ...notANumber,
        { label: 'a fraction 1.5', value: 1.5 },
        { label: 'a fraction -0.5', value: -0.5 },
      ];
      if (rule.min !== undefined) out.push({ label: 'below the minimum', value: rule.min - 1 });
      return out;
    }
    case 'boolean':
      return [
        { label: '"true" as string', value: 'true' },
        { label: '"false" as string', value: 'false' },
        { label: '1', value: 1 },
        { label: '0', value: 0 },
        { label: 'an array', value: [true] },
        { label: 'an object', value: {} },
      ];
    case 'currency':
      return [
        ...notAString,
        { label: 'lower-case', value: 'eur' },
        { label: 'mixed case', value: 'Eur' },
        { label: 'two letters', value: 'EU' },
        { label: 'four letters', value: 'EURO' },
        { label: 'a digit', value: 'E1R' },
        { label: 'a symbol', value: '€' },
        { label: 'space padded', value: ' EUR' },
        { label: 'empty', value: '' },
      ];
    case 'stringArrayJson':
      return [
        { label: 'missing', value: ABSENT },
        { label: 'null', value: null },
        { label: 'a string', value: 'rifle' },
        { label: 'a number', value: 12 },
        { label: 'an object', value: { a: 'rifle' } },
        { label: 'array of numbers', value: [1, 2] },
        { label: 'array with a null', value: ['rifle', null] },
        { label: 'array with an object', value: ['rifle', {}] },
      ];
    case 'optionalObjectJson':
      return [
        { label: 'an array', value: ['speed'] },
        { label: 'a string', value: 'speed' },
        { label: 'a number', value: 12 },
        { label: 'a boolean', value: true },
      ];
    case 'object':
      return [
        { label: 'missing', value: ABSENT },
        { label: 'null', value: null },
        { label: 'a number', value: 12 },
        { label: 'a string', value: '{"accuracy":0.5,"headshots":1}' },
        { label: 'an array', value: [0.5, 1] },
        { label: 'empty object', value: {} },
      ];
  }
}

function withValue(record: Record<string, unknown>, path: string, value: Value): Record<string, unknown> {
  const copy = structuredClone(record);
  const keys = path.split('.');
  let target = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === ABSENT) delete target[last];
  else target[last] = value;
  return copy;
}

const columnOf = (path: string) => path.replace('.', '_');
/** The field named as a whole word (or its dotted/underscored path), so `id` does not match `invalid`. */
const namesField = (path: string) => new RegExp(`(^|[^A-Za-z0-9_])${path.replace('.', '[._]')}([^A-Za-z0-9_]|$)`);

const acceptCases = Object.entries(RULES).flatMap(([tag, fields]) =>
  fields.flatMap(([path, rule]) =>
    acceptedValues(rule).map((a) => ({ name: `${tag}.${path} accepts ${a.label}`, tag, path, ...a })),
  ),
);
const rejectCases = Object.entries(RULES).flatMap(([tag, fields]) =>
  fields.flatMap(([path, rule]) =>
    rejectedValues(rule).map((r) => ({ name: `${tag}.${path} rejects ${r.label}`, tag, path, ...r })),
  ),
);

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('the rule table covers the catalog', () => {
  test('every event type of the catalog has rules here, and every output column a rule', () => {
    expect(catalog.eventTypes.map((t) => t.tag).sort()).toEqual(Object.keys(RULES).sort());
    for (const type of catalog.eventTypes) {
      const ruled = RULES[type.tag]!.filter(([, r]) => r.kind !== 'object').map(([p]) => columnOf(p));
      expect(
        type.columns.map((c) => c.name),
        type.tag,
      ).toEqual(ruled);
    }
  });

  test.each(Object.keys(VALID))('the valid %s example is stored as the spec row', (tag) => {
    const type = catalog.eventType(tag)!;
    expect(type.toRow(VALID[tag]!)).toEqual(VALID_ROWS[tag]);
    const verdict = classifyRecord(catalog, VALID[tag]);
    expect(verdict.kind).toBe('valid');
    if (verdict.kind === 'valid') expect(verdict.row).toEqual(VALID_ROWS[tag]);
  });

  test('there are many cases', () => {
    expect(acceptCases.length).toBeGreaterThan(150);
    expect(rejectCases.length).toBeGreaterThan(300);
  });
});

describe('accepted values are stored normalised', () => {
  test.each(acceptCases)('$name', ({ tag, path, value, stored, json }) => {
    const type = catalog.eventType(tag)!;
    const record = withValue(VALID[tag]!, path, value);
    const verdict = classifyRecord(catalog, record);
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ kind: 'valid' });
    if (verdict.kind !== 'valid') return;
    const at = type.columns.findIndex((c) => c.name === columnOf(path));
    expect(at).toBeGreaterThanOrEqual(0);
    const cell = verdict.row[at];
    if (json) {
      expect(typeof cell).toBe('string');
      expect(JSON.parse(cell as string)).toEqual(stored);
    } else {
      expect(cell).toEqual(stored);
    }
    // Only that column differs from the valid example's row.
    const expected = [...VALID_ROWS[tag]!];
    expected[at] = cell;
    expect(verdict.row).toEqual(expected);
  });
});

describe('rejected values: the event is rejected with a reason naming the field', () => {
  test.each(rejectCases)('$name', ({ tag, path, value }) => {
    const type = catalog.eventType(tag)!;
    const record = withValue(VALID[tag]!, path, value);
    expect(type.toRow(record)).toBeUndefined();
    expect(type.schema.safeParse(record).success).toBe(false);
    const verdict = classifyRecord(catalog, record);
    expect(verdict.kind).toBe('rejected');
    if (verdict.kind !== 'rejected') return;
    expect(verdict.event).toBe(tag);
    // For `stats` itself, a reason naming stats (or one of its sub-fields) names the field.
    expect(verdict.reason).toMatch(namesField(path));
  });
});

describe('several problems at once', () => {
  test('a record with every field missing is rejected, never valid', () => {
    for (const tag of Object.keys(RULES)) {
      const verdict = classifyRecord(catalog, { event: tag });
      expect(verdict.kind, tag).toBe('rejected');
    }
  });

  test('undeclared fields do not make a record invalid', () => {
    for (const [tag, record] of Object.entries(VALID)) {
      const verdict = classifyRecord(catalog, { ...record, region: 'eu-west', extra: { deep: [1, 2] } });
      expect(verdict.kind, tag).toBe('valid');
      if (verdict.kind === 'valid') expect(verdict.row).toEqual(VALID_ROWS[tag]);
    }
  });
});
