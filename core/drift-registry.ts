/**
 * The schema drift registry: every batch writes its attribute variations to its own object
 * (`drift/batches/{batchId}.json`, overwritten by a retry, so never counted twice); the registry
 * is their merge, judged against the catalog of the moment.
 */
import type { Catalog } from '../schemas/catalog';
import { undeclaredPaths, type AttributeVariation } from './attribute-variations';

export interface DriftRegistryPart {
  batchId: string;
  source: string;
  variations: AttributeVariation[];
}

export const DRIFT_PARTS_PREFIX = 'drift/batches/';

export function driftPartKeyOf(batchId: string): string {
  return `${DRIFT_PARTS_PREFIX}${batchId}.json`;
}

/** One variation over every batch that saw it. */
export interface RegisteredVariation extends AttributeVariation {
  batches: number;
}

export interface NewAttribute {
  event: string;
  attribute: string;
  records: number;
  firstSeen: string;
  lastSeen: string;
  example: string;
  source: string;
  line: number;
}

export interface UnknownEventType {
  event: string;
  records: number;
  firstSeen: string;
  lastSeen: string;
  /** Every attribute path its records carried. */
  attributes: string[];
  example: string;
  source: string;
  line: number;
}

export interface DriftReport {
  /** Attributes the current catalog does not declare, per event type. */
  newAttributes: NewAttribute[];
  /** Event tags the current catalog does not declare. */
  unknownEvents: UnknownEventType[];
  variations: RegisteredVariation[];
  batches: number;
}

export function mergeParts(parts: Iterable<DriftRegistryPart>): { variations: RegisteredVariation[]; batches: number } {
  const byId = new Map<string, RegisteredVariation>();
  let batches = 0;
  for (const part of parts) {
    batches++;
    for (const v of part.variations) {
      const id = `${v.event}\u0001${v.variation}`;
      const seen = byId.get(id);
      if (seen === undefined) {
        byId.set(id, { ...v, batches: 1 });
        continue;
      }
      seen.count += v.count;
      seen.batches++;
      if (v.firstSeen < seen.firstSeen)
        Object.assign(seen, { firstSeen: v.firstSeen, example: v.example, source: v.source, line: v.line });
      if (v.lastSeen > seen.lastSeen) seen.lastSeen = v.lastSeen;
    }
  }
  const variations = [...byId.values()].sort((a, b) =>
    a.event === b.event ? b.count - a.count : a.event < b.event ? -1 : 1,
  );
  return { variations, batches };
}

/** New attributes and unknown event types as of `catalog`: once a schema declares them, they leave the report. */
export function driftReport(
  merged: { variations: RegisteredVariation[]; batches: number },
  catalog: Catalog,
): DriftReport {
  const attributes = new Map<string, NewAttribute>();
  const unknown = new Map<string, UnknownEventType>();
  for (const v of merged.variations) {
    const type = catalog.eventType(v.event);
    if (type === undefined) {
      const seen = unknown.get(v.event);
      if (seen === undefined) {
        unknown.set(v.event, {
          event: v.event,
          records: v.count,
          firstSeen: v.firstSeen,
          lastSeen: v.lastSeen,
          attributes: [...v.paths],
          example: v.example,
          source: v.source,
          line: v.line,
        });
      } else {
        widen(seen, v);
        for (const p of v.paths) if (!seen.attributes.includes(p)) seen.attributes.push(p);
      }
      continue;
    }
    for (const attribute of undeclaredPaths(v.paths, type.declared)) {
      const id = `${v.event}\u0001${attribute}`;
      const seen = attributes.get(id);
      if (seen === undefined)
        attributes.set(id, {
          event: v.event,
          attribute,
          records: v.count,
          firstSeen: v.firstSeen,
          lastSeen: v.lastSeen,
          example: v.example,
          source: v.source,
          line: v.line,
        });
      else widen(seen, v);
    }
  }
  for (const u of unknown.values()) u.attributes.sort();
  const byName =
    <T extends { event: string }>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  return {
    newAttributes: [...attributes.values()].sort(byName((a) => `${a.event}\u0001${a.attribute}`)),
    unknownEvents: [...unknown.values()].sort(byName((u) => u.event)),
    variations: merged.variations,
    batches: merged.batches,
  };
}

function widen(
  into: { records: number; firstSeen: string; lastSeen: string; example: string; source: string; line: number },
  v: AttributeVariation,
): void {
  into.records += v.count;
  if (v.firstSeen < into.firstSeen)
    Object.assign(into, { firstSeen: v.firstSeen, example: v.example, source: v.source, line: v.line });
  if (v.lastSeen > into.lastSeen) into.lastSeen = v.lastSeen;
}
