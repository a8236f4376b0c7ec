/** The type lattice, column names from data and superset schemas of evolved columns. */
import { describe, expect, test } from 'vitest';
import { kindOf, stagedValue, widenColumnType, widenKind } from '../../../core/evolution/type-lattice';
import { columnNameOf } from '../../../core/evolution/column-names';
import { columnsOfRecord, stagedSchemaRecord, supersetColumns } from '../../../core/evolution/staged-schema';
import { IDENTIFIER } from '../../../schemas/column-types';

describe('type lattice', () => {
  test('kinds of JSON values', () => {
    expect(
      [true, 3, 2 ** 53, 1.5, '2026-11-22T10:00:00Z', '2026-11-22T10:00:00', 'x', [1], { a: 1 }].map(kindOf),
    ).toEqual(['boolean', 'integer', 'number', 'number', 'timestamp', 'string', 'string', 'json', 'json']);
    expect(kindOf('ABCDEF01-abcd-4ef0-8abc-def012345678')).toBe('uuid');
    expect(kindOf(null)).toBeUndefined();
  });

  test('conflicts widen, never narrow: integer+number is number, anything else different is string', () => {
    expect(widenKind('integer', 'number')).toBe('number');
    expect(widenKind('number', 'integer')).toBe('number');
    expect(widenKind('integer', 'string')).toBe('string');
    expect(widenKind('uuid', 'string')).toBe('string');
    expect(widenKind('json', 'json')).toBe('json');
    expect(widenKind('boolean', 'integer')).toBe('string');
    expect(widenColumnType('int64', 'double')).toBe('double');
    expect(widenColumnType('timestamp', 'string')).toBe('string');
  });

  test('values in a widened string column keep their JSON text', () => {
    expect([5, true, [1, 2], 'a'].map((v) => stagedValue('string', v))).toEqual(['5', 'true', '[1,2]', 'a']);
    expect(stagedValue('uuid', 'ABCDEF01-ABCD-4EF0-8ABC-DEF012345678')).toBe('abcdef01-abcd-4ef0-8abc-def012345678');
    expect(stagedValue('timestamp', '2000-01-01T00:00:01Z')).toBe(946_684_801_000_000);
  });
});

describe('column names from data', () => {
  test('identifier paths keep their name; others are sanitised with a hash of the path', () => {
    expect(columnNameOf(['stats', 'crit'])).toBe('stats_crit');
    const names = [['KillStreak'], ['killstreak!'], ['x y'], ['1st'], ['"; DROP TABLE x; --'], ['a'.repeat(80)]].map(
      (s) => columnNameOf(s),
    );
    for (const n of names) expect(n).toMatch(IDENTIFIER);
    expect(new Set(names).size).toBe(names.length);
    expect(columnNameOf(['KillStreak'])).toBe(columnNameOf(['KillStreak']));
    expect(columnNameOf(['_loadout_batch'])).toMatch(/^x_loadout_batch_[0-9a-f]{8}$/);
    expect(columnNameOf(['id'], new Set(['id']))).toMatch(/^id_[0-9a-f]{8}$/);
  });
});

describe('superset schema', () => {
  test('declared columns first as declared, then every evolved column at its widest type', () => {
    const declared = [{ name: 'id', type: 'string' as const, nullable: false }];
    const a = stagedSchemaRecord('t', 'f1', [
      ...declared,
      { name: 'level', type: 'int64', nullable: true, attribute: 'level' },
      { name: 'z', type: 'boolean', nullable: true, attribute: 'z' },
    ]);
    const b = stagedSchemaRecord('t', 'f2', [...declared, { name: 'level', type: 'string', nullable: true }]);
    const records = [a, b].map((r) => columnsOfRecord('k', JSON.parse(JSON.stringify(r))));
    expect(supersetColumns(declared, records)).toEqual([
      ...declared,
      // int64 and string: text that held numbers as their JSON text (schema export declares it anyText).
      { name: 'level', type: 'string', nullable: true, attribute: 'level', mixed: true },
      { name: 'z', type: 'boolean', nullable: true, attribute: 'z' },
    ]);
    expect(() => columnsOfRecord('k', { format: 'other' })).toThrow(/not a Loadout staged-schema/);
    expect(() => columnsOfRecord('k', { ...a, version: 99 })).toThrow(/newer/);
  });
});
