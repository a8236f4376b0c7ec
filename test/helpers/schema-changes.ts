/** Schema changes as a studio makes them: a shipped event type with fields added or redeclared. */
import { Catalog } from '../../schemas/catalog';
import { defineEvent, type EventType } from '../../schemas/define-event';
import type { Field } from '../../schemas/fields';

export function withFields(type: EventType, fields: Record<string, Field>): EventType {
  return defineEvent({ ...type.declaration, fields: { ...type.declaration.fields, ...fields } });
}

/** The catalog with some event types replaced: what a worker sees after a schema change. */
export function catalogWith(catalog: Catalog, ...changed: EventType[]): Catalog {
  return new Catalog(catalog.eventTypes.map((t) => changed.find((c) => c.tag === t.tag) ?? t));
}
