/**
 * Column names for attribute paths from data: a name from data is data, so it becomes a column
 * name only as a valid identifier, derived the same way by every batch. A path whose segments are
 * already identifiers (`stats.crit` -> `stats_crit`, the catalog's flattening) keeps that name;
 * any other is sanitised (lower-case, other characters `_`) and given a hash suffix of the path,
 * so `KillStreak` and `killstreak` never share a column. Reserved names (`_loadout_*`, columns
 * Loadout adds) and names a declared column has are suffixed too.
 */
import { createHash } from 'node:crypto';
import { IDENTIFIER } from '../../schemas/column-types';
import { pathOf } from '../attribute-path';

/** Prefix of the columns Loadout itself adds (`_loadout_key`, `_loadout_batch`, ...): never a data name. */
export const RESERVED_PREFIX = '_loadout_';

const MAX_NAME = 63;
const SEGMENT = /^[a-z_][a-z0-9_]*$|^[0-9]+$/;

export function columnNameOf(segments: readonly string[], declared: ReadonlySet<string> = new Set()): string {
  const joined = segments.join('_');
  const exact =
    segments.every((s) => SEGMENT.test(s)) &&
    IDENTIFIER.test(joined) &&
    !joined.startsWith(RESERVED_PREFIX) &&
    !declared.has(joined);
  if (exact) return joined;
  let base = joined.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(base)) base = `c_${base}`;
  if (base.startsWith(RESERVED_PREFIX)) base = `x${base}`;
  const suffix = createHash('sha256').update(pathOf(segments)).digest('hex').slice(0, 8);
  return `${base.slice(0, MAX_NAME - suffix.length - 1)}_${suffix}`;
}

/** A table name for an event tag the catalog does not declare (the same rule as a column name). */
export function tableNameOf(tag: string, declaredTables: ReadonlySet<string>): string {
  return columnNameOf([tag], declaredTables);
}
