/**
 * The event type of a tag the catalog does not declare, under `infer`: a table named after the tag
 * (column-names.ts), one declared column, the key `_loadout_key`, and every attribute an evolved
 * column (evolved-columns.ts). The key is the record key (schemas/record-key.ts): the record's `id`,
 * lower-cased, when that is a uuid, else a hash of the record, so exact redeliveries collapse.
 */
import type { Catalog } from '../../schemas/catalog';
import { defineEvent, type EventType } from '../../schemas/define-event';
import { tableNameOf } from './column-names';
import { RECORD_KEY, recordKeyOf } from '../../schemas/record-key';

export { canonicalJson } from '../../schemas/record-key';

export const INFERRED_KEY = RECORD_KEY;
const ONLY_EVENT: EventType['declared'] = new Map([['event', null]]);

const INFERRED = new WeakSet<EventType>();

/** Whether the type was inferred (inferredEventType), not declared by a schema. */
export function isInferredType(type: EventType): boolean {
  return INFERRED.has(type);
}

export function inferredEventType(tag: string, table: string): EventType {
  // Every attribute of the record is undeclared, a `_loadout_key` of its own too (renamed as reserved).
  const type = defineEvent({ tag, table, recordKey: true, fields: {} });
  const inferred: EventType = { ...type, declared: ONLY_EVENT };
  INFERRED.add(inferred);
  return inferred;
}

/** The inferred table of `tag`: its sanitised name, unless a declared table has it. */
export function inferredTableOf(tag: string, declaredTables: ReadonlySet<string>): string {
  return tableNameOf(tag, declaredTables);
}

/** The record key (schemas/record-key.ts): the uuid `id`, else a hash of the record. */
export const inferredKeyOf = recordKeyOf;

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
