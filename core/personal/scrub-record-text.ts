/**
 * Record text loaded into the warehouse (the rejects and unknown tables) without clear personal
 * values: every `"name": value` pair of a field the catalog marks personal, in any event type's
 * record or in a broken one, gets the value the analytic tables hold instead: the keyed pseudonym
 * for `pseudonymise` (so a reject still joins to its player, and erasure finds it), `[personal]`
 * for `network` and `drop` (a rejected address may not be one). On the text, not a parsed record:
 * a rejected record may be malformed or cut short. The lake's JSONL files keep the raw record.
 */
import type { Catalog } from '../../schemas/catalog';
import { pseudonymOf } from './pseudonym';
import { REDACTED } from './redact-example';

/** The text's personal values replaced; the identity when the catalog marks nothing personal. */
export function recordTextScrubber(catalog: Catalog, pseudonymKey: Uint8Array): (text: string) => string {
  const pseudonymised = new Set<string>();
  const blanked = new Set<string>();
  for (const type of catalog.eventTypes)
    for (const p of type.personal) {
      const name = type.columns[p.column]!.path[0]!;
      (p.treatment === 'pseudonymise' ? pseudonymised : blanked).add(name);
    }
  // A name blanked by one type and pseudonymised by another is blanked: the stricter treatment.
  for (const name of blanked) pseudonymised.delete(name);
  const names = [...pseudonymised, ...blanked];
  if (names.length === 0) return (text) => text;
  const alternatives = names.map((n) => n.replace(/[^a-z0-9_]/gi, (c) => `\\${c}`)).join('|');
  // A string (closed, or cut off at the end of the text) or a bare scalar such as a number.
  const pattern = new RegExp(
    `"(${alternatives})"(\\s*):(\\s*)("(?:[^"\\\\]|\\\\.)*"|"(?:[^"\\\\]|\\\\.)*$|[-+0-9.eE]+|true|false)`,
    'g',
  );
  return (text) =>
    text.replace(pattern, (_match, name: string, before: string, after: string, value: string) => {
      const replacement = pseudonymised.has(name) ? pseudonymOfToken(pseudonymKey, value) : REDACTED;
      return `"${name}"${before}:${after}"${replacement}"`;
    });
}

/** The pseudonym of the token's value as the core computes it for that field (its decoded text). */
function pseudonymOfToken(key: Uint8Array, token: string): string {
  if (!token.startsWith('"')) return pseudonymOf(key, token);
  try {
    return pseudonymOf(key, JSON.parse(token) as string);
  } catch {
    // Cut off mid-value: no value to pseudonymise.
    return REDACTED;
  }
}
