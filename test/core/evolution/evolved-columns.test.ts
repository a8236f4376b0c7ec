/** EvolvedColumns.rowOf: extra values by column, names kept per path, a new column list only when the shape changes. */
import { describe, expect, test } from 'vitest';
import { EvolvedColumns } from '../../../core/evolution/evolved-columns';
import { inferredEventType } from '../../../core/evolution/inferred-type';
import { undeclaredLeaves } from '../../../core/evolution/undeclared-leaves';

describe('EvolvedColumns.rowOf', () => {
  test('rows of records sharing, adding and widening columns; two paths of one name stage the later value', () => {
    const type = inferredEventType('t', 't');
    const evolved = new EvolvedColumns(type);
    const rowOf = (key: string, record: Record<string, unknown>) =>
      evolved.rowOf([key], undeclaredLeaves({ event: 't', ...record }, type.declared));

    // `a_b` and `a.b` both flatten to the column a_b; `KillStreak` is sanitised with a hash suffix.
    expect(rowOf('k1', { a_b: 1, a: { b: 2 }, KillStreak: 'x' })).toEqual(['k1', 2, 'x']);
    const first = evolved.columns;
    expect(first.map((c) => [c.name, c.type])).toEqual([
      ['_loadout_key', 'string'],
      ['a_b', 'int64'],
      [expect.stringMatching(/^killstreak_[0-9a-f]{8}$/), 'string'],
    ]);
    // Names seen before come from the table's cache: the same columns, the same list.
    expect(rowOf('k2', { KillStreak: 'y' })).toEqual(['k2', null, 'y']);
    expect(rowOf('k3', { a: { b: 3 }, KillStreak: null })).toEqual(['k3', 3, null]);
    expect(evolved.columns).toBe(first);
    // A widened type and a new column each give a new list.
    expect(rowOf('k4', { a_b: 1.5, killstreak: true })).toEqual(['k4', 1.5, null, true]);
    expect(evolved.columns).not.toBe(first);
    expect(evolved.columns.map((c) => [c.name, c.type]).slice(1)).toEqual([
      ['a_b', 'double'],
      [first[2]!.name, 'string'],
      ['killstreak', 'boolean'],
    ]);
    expect(rowOf('k5', {})).toEqual(['k5', null, null, null]);
  });
});
