/**
 * Tables in a fixed number of groups by a hash of their name: a table is always in the same group,
 * and a group's loadTableGroup has one workflow id per environment, so two loads of a table never
 * run at once (Temporal refuses the second), as with one loadTable per table. Workflow code: pure.
 */
import { fnv1a32 } from './search-attribute-values';

/** Groups a load can run; changing it changes the ids: a table in two groups could load twice at once. */
export const TABLE_GROUPS = 8;

/** The group's index of a table: 32-bit FNV-1a over its UTF-8 bytes, modulo the groups. */
export function tableGroupOf(table: string, groups = TABLE_GROUPS): number {
  return parseInt(fnv1a32(table), 16) % groups;
}

/** The non-empty groups of `tables`, by index, each keeping the tables' order. */
export function tableGroups(tables: readonly string[], groups = TABLE_GROUPS): { group: number; tables: string[] }[] {
  const byGroup = new Map<number, string[]>();
  for (const table of tables) {
    const group = tableGroupOf(table, groups);
    byGroup.set(group, [...(byGroup.get(group) ?? []), table]);
  }
  return [...byGroup.entries()].sort((a, b) => a[0] - b[0]).map(([group, members]) => ({ group, tables: members }));
}
