/** Values the spec rejects for each kind of rule: one case per field and value. */
import { U } from './catalog-samples';
import { ABSENT, RULES, type Rule, type Value } from './catalog-rules';

export interface Reject {
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
    case 'money':
      return [
        ...notANumber,
        { label: 'negative', value: -0.01 },
        { label: 'a negative tie that rounds to 0', value: -0.00005 },
        { label: 'above the maximum', value: rule.max + 0.01 },
        { label: 'above the maximum by less than a unit', value: rule.max + 0.00001 },
        { label: 'far above the maximum', value: 1e21 },
      ];
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

export const rejectCases = Object.entries(RULES).flatMap(([tag, fields]) =>
  fields.flatMap(([path, rule]) =>
    rejectedValues(rule).map((r) => ({ name: `${tag}.${path} rejects ${r.label}`, tag, path, ...r })),
  ),
);
