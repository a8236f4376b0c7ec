/**
 * "The target already holds this staged row exactly": a merge leaves such rows alone, so a replay
 * or a redelivery changes nothing, its counts say so, and a row's `_loadout_loaded_at` stays the
 * time it last really changed (what an incremental model downstream follows: docs/lineage.md).
 */
import { RESERVED_COLUMN_PREFIX } from '../../../schemas/lineage-columns';
import type { MergePlan, WarehouseColumn } from '../warehouse';
import type { StagedValues } from './column-type-sql';
import { ident, qualified } from './identifiers';

/**
 * An anti-join of the `alias` rows of the staging table against the target: `join` goes after the
 * staging table, `unmatched` into the WHERE. A LEFT JOIN rather than NOT EXISTS, so no correlated
 * subquery (Redshift decorrelates only some: "Correlated subqueries"). Undefined when the rows
 * cannot be compared: a file column whose type is not the target's (an evolved column widened
 * since) would need a cast, so every row then counts as changed, as before this check existed.
 * `notDistinct`: compare nullable columns with IS NOT DISTINCT FROM (DuckDB), which DuckDB hashes
 * on; its rewrite of the portable `= OR both NULL` form ends as one nested condition, which it
 * joins by a nested loop: minutes for a replay of 300k rows (docs/benchmarks.md, "The DuckDB merge").
 */
export function unchangedRowsJoinSql(
  plan: Pick<MergePlan, 'schema' | 'table' | 'fileColumns' | 'targetColumns' | 'uniqueKey'>,
  alias: string,
  staged: StagedValues = {},
  notDistinct = false,
): { join: string; unmatched: string } | undefined {
  const targetType = new Map(plan.targetColumns.map((c) => [c.name, c.type]));
  // Lineage columns differ from batch to batch by design: they never make a row "changed".
  const columns = plan.fileColumns.filter((c) => !c.name.startsWith(RESERVED_COLUMN_PREFIX));
  if (plan.uniqueKey.length === 0 || columns.some((c) => targetType.get(c.name) !== c.type)) return undefined;
  const value = (c: WarehouseColumn) => {
    const v = `${ident(alias)}.${ident(c.name)}`;
    return c.type === 'timestamp' && staged.timestampsWithoutZone === true ? `(${v} AT TIME ZONE 'UTC')` : v;
  };
  const same = columns.map((c) => {
    const t = `"t".${ident(c.name)}`;
    if (plan.uniqueKey.includes(c.name)) return `${t} = ${value(c)}`;
    return notDistinct
      ? `${t} IS NOT DISTINCT FROM ${value(c)}`
      : `(${t} = ${value(c)} OR (${t} IS NULL AND ${value(c)} IS NULL))`;
  });
  return {
    join: `LEFT JOIN ${qualified(plan.schema, plan.table)} AS "t" ON ${same.join(' AND ')}`,
    // Key columns are never NULL in the target: NULL here means no identical row was found.
    unmatched: `"t".${ident(plan.uniqueKey[0]!)} IS NULL`,
  };
}
