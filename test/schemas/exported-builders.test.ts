/**
 * The builders `loadout schema export` writes (anyText, flattenOptional) and `recordKey`: the fast
 * check and zod agree on every value (as test/schemas/fast-check.test.ts holds the others), and a
 * record-keyed type keys by the record as inferred tables do.
 */
import { expect, test } from 'vitest';
import { anyText } from '../../schemas/any-text';
import { defineEvent } from '../../schemas/define-event';
import { INVALID, integer, string, type Field } from '../../schemas/fields';
import { flattenOptional } from '../../schemas/flatten-optional';
import { recordKeyOf } from '../../schemas/record-key';

function agree(field: Field, values: unknown[]): void {
  for (const value of values) {
    const fast = field.fast(value);
    const zod = field.schema.safeParse(value);
    expect(fast === INVALID, `${JSON.stringify(value)}: fast ${String(fast)}`).toBe(!zod.success);
    if (zod.success) expect(fast).toEqual(zod.data);
  }
}

const values = [undefined, null, 'a', '', 5, 1.5, true, [1, 'x'], { a: 1 }, 'nul\u0000', 'x'.repeat(70_000)];

test('anyText takes any value as text (strings as they are, the rest as JSON text), bounded, NUL refused', () => {
  agree(anyText(), values);
  agree(anyText().optional(), values);
  expect(anyText().fast(5)).toBe('5');
  expect(anyText().fast([1, 'x'])).toBe('[1,"x"]');
  expect(anyText().fast('x'.repeat(70_000))).toBe(INVALID);
  expect(anyText().optional().fast(undefined)).toBeNull();
  expect(anyText({ as: 'c_1' }).optional().columns('c', ['c'])).toEqual([
    { name: 'c_1', type: 'string', nullable: true, path: ['c'], maxBytes: 65_535 },
  ]);
});

test('flattenOptional is flatten for an object a record may leave out; its children must be optional', () => {
  const field = flattenOptional({ hp: integer().optional(), tag: string({ min: 0, max: 8 }).optional() });
  agree(field, [undefined, null, {}, { hp: 1 }, { hp: 'x' }, { hp: 2, tag: 'ok' }, 5, []]);
  expect(field.fast(undefined)).toEqual({ hp: null, tag: null });
  expect(field.columns('stats', ['stats']).map((c) => [c.name, c.nullable])).toEqual([
    ['stats_hp', true],
    ['stats_tag', true],
  ]);
  expect(() => flattenOptional({ hp: integer() })).toThrow(/child hp must be optional/);
});

test('recordKey: a leading _loadout_key, the uuid id lower-cased or a hash of the record; never with uniqueKey', () => {
  const type = defineEvent({ tag: 'ping', recordKey: true, fields: { ms: integer().optional() } });
  expect(type.uniqueKey).toEqual(['_loadout_key']);
  expect(type.columns.map((c) => c.name)).toEqual(['_loadout_key', 'ms']);
  const id = 'A1B2C3D4-0000-4000-8000-00000000000A';
  expect(type.toRow({ event: 'ping', id, ms: 3 })).toEqual([id.toLowerCase(), 3]);
  const record = { event: 'ping', ms: 4 };
  expect(type.toRow(record)).toEqual([recordKeyOf(record), 4]);
  expect(recordKeyOf({ ms: 4, event: 'ping' })).toBe(recordKeyOf(record));
  expect(type.toRow({ event: 'ping', ms: 'x' })).toBeUndefined();
  // zod's output carries the key too, so a row read from it (classify-record.ts) has one.
  expect(type.schema.parse(record)).toMatchObject({ _loadout_key: recordKeyOf(record) });
  expect(() => defineEvent({ tag: 'x', recordKey: true, uniqueKey: ['ms'], fields: { ms: integer() } })).toThrow(
    /either uniqueKey or recordKey/,
  );
  expect(() => defineEvent({ tag: 'x', fields: { ms: integer() } })).toThrow(/either uniqueKey or recordKey/);
});
