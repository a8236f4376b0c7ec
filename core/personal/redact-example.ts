/**
 * Drift examples are records shown to whoever reads the drift registry: their personal fields
 * are blanked. On the text, not a parsed record, as an example may be cut short mid-value.
 */
import type { Catalog } from '../../schemas/catalog';

export const REDACTED = '[personal]';

/** A redactor for the catalog's event types with personal fields; the identity for the others. */
export function exampleRedactor(catalog: Catalog): (tag: string, text: string) => string {
  const patterns = new Map<string, RegExp>();
  for (const type of catalog.eventTypes) {
    const names = type.personal.map((p) => type.columns[p.column]!.path[0]!);
    if (names.length === 0) continue;
    const alternatives = names.map((n) => n.replace(/[^a-z0-9_]/gi, (c) => `\\${c}`)).join('|');
    // A string value, closed or cut off at the end of the text; non-string values are rejects' business.
    patterns.set(type.tag, new RegExp(`"(${alternatives})"(\\s*):(\\s*)"(?:[^"\\\\]|\\\\.)*(?:"|\\\\?$)`, 'g'));
  }
  return (tag, text) => {
    const pattern = patterns.get(tag);
    return pattern === undefined ? text : text.replace(pattern, `"$1"$2:$3"${REDACTED}"`);
  };
}
