/**
 * The event type of a tag the catalog does not declare, under `infer`: a table named after the tag
 * (column-names.ts), one declared column, the key `_loadout_key`, and every attribute an evolved
 * column (evolved-columns.ts). The key is the record's `id`, lower-cased, when that is a uuid, and
 * otherwise `h` and 32 hex digits of the SHA-256 of the record's canonical JSON (keys sorted at
 * every level, no spaces), so exact redeliveries collapse (docs/schemas.md, "Inferred tables").
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '../../schemas/catalog';
import { defineEvent, type EventType } from '../../schemas/define-event';
import { string } from '../../schemas/fields';
import { tableNameOf } from './column-names';

export const INFERRED_KEY = '_loadout_key';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ONLY_EVENT: EventType['declared'] = new Map([['event', null]]);

const INFERRED = new WeakSet<EventType>();

/** Whether the type was inferred (inferredEventType), not declared by a schema. */
export function isInferredType(type: EventType): boolean {
  return INFERRED.has(type);
}

export function inferredEventType(tag: string, table: string): EventType {
  const type = defineEvent(
    { tag, table, uniqueKey: [INFERRED_KEY], fields: { [INFERRED_KEY]: string({ max: 64 }) } },
    { loadoutColumns: [INFERRED_KEY] },
  );
  // Every attribute of the record is undeclared, a `_loadout_key` of its own too (renamed as reserved).
  const inferred: EventType = { ...type, declared: ONLY_EVENT };
  INFERRED.add(inferred);
  return inferred;
}

/** The inferred table of `tag`: its sanitised name, unless a declared table has it. */
export function inferredTableOf(tag: string, declaredTables: ReadonlySet<string>): string {
  return tableNameOf(tag, declaredTables);
}

export function inferredKeyOf(record: Record<string, unknown>): string {
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

/** One batch's inferred types, one per undeclared tag, made when the tag is first seen. */
export class InferredTypes {
  private readonly byTag = new Map<string, EventType>();
  private declaredTables: ReadonlySet<string> | undefined;

  constructor(private readonly catalog: Catalog) {}

  typeOf(tag: string): EventType {
    let type = this.byTag.get(tag);
    if (type === undefined) {
      this.declaredTables ??= new Set(this.catalog.tables);
      type = inferredEventType(tag, inferredTableOf(tag, this.declaredTables));
      this.byTag.set(tag, type);
    }
    return type;
  }
}
