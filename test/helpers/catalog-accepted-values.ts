/** Values the spec accepts for each kind of rule, and how they are stored: one case per field and value. */
import { U } from './catalog-samples';
import { ABSENT, RULES, type Rule, type Value } from './catalog-rules';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;

export interface Accept {
  label: string;
  value: Value;
  stored: unknown;
  json?: boolean;
}

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
    case 'money':
      // Stored as units of 0.0001: 4 fraction digits, rounded half-even from the number's text.
      return [
        { label: 'the minimum', value: rule.min, stored: rule.min * 10_000 },
        { label: 'the maximum', value: rule.max, stored: rule.max * 10_000 },
        { label: 'cents', value: 19.99, stored: 199_900 },
        { label: 'a float artifact 19.990000000000002', value: 19.990000000000002, stored: 199_900 },
        { label: 'a float artifact 0.30000000000000004', value: 0.1 + 0.2, stored: 3_000 },
        { label: 'a tie at the 5th digit rounds to even (down)', value: 12.34565, stored: 123_456 },
        { label: 'a tie at the 5th digit rounds to even (up)', value: 12.34575, stored: 123_458 },
        { label: 'above the tie rounds up', value: 12.345651, stored: 123_457 },
        { label: 'half a unit rounds to 0', value: 0.00005, stored: 0 },
        { label: 'a rounding carry 0.99995', value: 0.99995, stored: 10_000 },
        { label: 'an exponent form 1e2', value: 1e2, stored: 1_000_000 },
        { label: 'a tiny exponent form 1e-7', value: 1e-7, stored: 0 },
      ];
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

export const acceptCases = Object.entries(RULES).flatMap(([tag, fields]) =>
  fields.flatMap(([path, rule]) =>
    acceptedValues(rule).map((a) => ({ name: `${tag}.${path} accepts ${a.label}`, tag, path, ...a })),
  ),
);
