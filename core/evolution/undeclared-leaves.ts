/**
 * The undeclared attributes of a record as leaves, flattened the way the catalog flattens
 * `match_end.stats`: an undeclared object's keys become `{name}_{key}` leaves (one level), an
 * undeclared key inside a declared flattened object becomes `{object}_{key}`, and arrays and
 * deeper objects are leaves holding JSON. Null values are skipped: they fit any column.
 */
import type { DeclaredAttributes } from '../../schemas/define-event';

export interface UndeclaredLeaf {
  /** Where the value sits, e.g. ['stats', 'crit']. */
  segments: string[];
  value: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function undeclaredLeaves(record: Record<string, unknown>, declared: DeclaredAttributes): UndeclaredLeaf[] {
  const out: UndeclaredLeaf[] = [];
  for (const key in record) {
    const value = record[key];
    if (value === null || value === undefined) continue;
    const entry = declared.get(key);
    if (entry === undefined) {
      if (isObject(value)) pushChildren(out, [key], value, undefined);
      else out.push({ segments: [key], value });
    } else if (entry !== null && entry !== true && isObject(value)) {
      pushChildren(out, [key], value, entry);
    }
  }
  return out;
}

/** One level below a top-level object: what `declared` (a flattened field's children) lacks. */
function pushChildren(
  out: UndeclaredLeaf[],
  parent: readonly string[],
  object: Record<string, unknown>,
  declared: DeclaredAttributes | undefined,
): void {
  for (const key in object) {
    const value = object[key];
    if (value === null || value === undefined || declared?.has(key)) continue;
    out.push({ segments: [...parent, key], value });
  }
}
