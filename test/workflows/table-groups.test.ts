/** Tables in groups by a hash of their name: stable, in range, every table in exactly one group. */
import { expect, test } from 'vitest';
import { TABLE_GROUPS, tableGroupOf, tableGroups } from '../../workflows/table-groups';

test('a table is always in the same group, within the range', () => {
  expect(tableGroupOf('purchase')).toBe(tableGroupOf('purchase'));
  // FNV-1a 32 of "purchase" is 0x95d58f62 (the hash search-attribute-values.ts uses); 2513801058 % 8 = 2.
  expect(tableGroupOf('purchase')).toBe(2);
  for (const table of ['a', 'event_ß', 'x'.repeat(200), 'loadout_rejects']) {
    const group = tableGroupOf(table);
    expect(Number.isInteger(group) && group >= 0 && group < TABLE_GROUPS).toBe(true);
  }
});

test('groups partition the tables, keep their order and come in group order', () => {
  const tables = Array.from({ length: 300 }, (_, i) => `event_${String(i).padStart(3, '0')}`);
  const groups = tableGroups(tables);
  expect(groups.flatMap((g) => g.tables).sort()).toEqual(tables);
  expect(groups.map((g) => g.group)).toEqual([...groups.map((g) => g.group)].sort((a, b) => a - b));
  for (const { group, tables: members } of groups) {
    expect(members).toEqual(tables.filter((t) => tableGroupOf(t) === group));
  }
  // 300 tables spread over every group, none holding more than twice its share.
  expect(groups).toHaveLength(TABLE_GROUPS);
  for (const g of groups) expect(g.tables.length).toBeLessThan((2 * 300) / TABLE_GROUPS);
  expect(tableGroups([])).toEqual([]);
});
