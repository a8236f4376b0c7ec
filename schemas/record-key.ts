/**
 * The record key (`recordKey: true` in defineEvent, and every inferred table): a `_loadout_key`
 * column holding the record's `id` lower-cased when that is a uuid, and otherwise `h` and 32 hex
 * digits of the SHA-256 of the record's canonical JSON (keys sorted at every level, no spaces), so
 * exact redeliveries collapse. One derivation for both, so an inferred table exported as a catalog
 * file (`loadout schema export`) keeps its key and its rows (docs/schemas.md, "Inferred tables").
 */
import { createHash } from 'node:crypto';

export const RECORD_KEY = '_loadout_key';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function recordKeyOf(record: Record<string, unknown>): string {
  const id = record.id;
  if (typeof id === 'string' && UUID.test(id)) return id.toLowerCase();
  return `h${createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 32)}`;
}

/** JSON with object keys sorted at every level: one text per value, whatever the producer's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
