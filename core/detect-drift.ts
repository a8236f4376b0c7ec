/** Schema drift: attributes a record carries that its event type does not declare. */
import type { DeclaredAttributes } from '../schemas/define-event';

/** Dotted paths of undeclared attributes; the top-most undeclared one only, not its insides. */
export function undeclaredAttributes(record: Record<string, unknown>, declared: DeclaredAttributes, prefix = ''): string[] {
  let found: string[] | undefined;
  for (const key in record) {
    const inner = declared.get(key);
    if (inner === undefined) {
      (found ??= []).push(prefix + key);
    } else if (inner !== null && inner !== true) {
      const value = record[key];
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const nested = undeclaredAttributes(value as Record<string, unknown>, inner, `${prefix}${key}.`);
        if (nested.length > 0) (found ??= []).push(...nested);
      }
    }
  }
  return found ?? NONE;
}

const NONE: string[] = [];
