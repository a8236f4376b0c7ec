/**
 * Inferred tables in the lake (core/evolution/inferred-type.ts): `inferred/{table}/event.json`
 * names the tag of each, written by every batch that stages it (same bytes each time), and
 * `inferred/{table}/v{N}.json` are the versions of its inferred schema, one more each time a
 * migration changes its columns. The load's activities see the catalog plus these tables; a tag
 * a schema declares since (`loadout schema export`) is the schema's again.
 */
import { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import { INFERRED_KEY, inferredEventType } from '../core/evolution/inferred-type';
import type { StagedColumn } from '../core/batch-output';

export const INFERRED_PREFIX = 'inferred/';

export interface InferredTableRecord {
  format: 'loadout.inferred-table';
  event: string;
  table: string;
}

export interface InferredSchemaVersion {
  format: 'loadout.inferred-schema';
  event: string;
  table: string;
  version: number;
  uniqueKey: string[];
  columns: StagedColumn[];
}

export function inferredTableKey(table: string): string {
  return `${INFERRED_PREFIX}${table}/event.json`;
}

export function inferredTableRecord(event: string, table: string): InferredTableRecord {
  return { format: 'loadout.inferred-table', event, table };
}

/** The inferred tables recorded in the lake whose tag and table no schema declares. */
export async function inferredTypesOf(catalog: Catalog, lake: ObjectStore): Promise<EventType[]> {
  const types: EventType[] = [];
  for await (const o of lake.list(INFERRED_PREFIX)) {
    if (!o.key.endsWith('/event.json')) continue;
    const record = await readJson<InferredTableRecord>(lake, o.key);
    if (catalog.eventType(record.event) !== undefined || catalog.table(record.table) !== undefined) continue;
    types.push(inferredEventType(record.event, record.table));
  }
  return types.sort((a, b) => (a.table < b.table ? -1 : 1));
}

export async function catalogWithInferred(catalog: Catalog, lake: ObjectStore): Promise<Catalog> {
  const inferred = await inferredTypesOf(catalog, lake);
  return inferred.length === 0 ? catalog : new Catalog([...catalog.eventTypes, ...inferred], catalog.evolution);
}

/** Every version of a table's inferred schema, oldest first. */
export async function inferredVersionsOf(lake: ObjectStore, table: string): Promise<InferredSchemaVersion[]> {
  const versions: InferredSchemaVersion[] = [];
  for await (const o of lake.list(`${INFERRED_PREFIX}${table}/`)) {
    if (/\/v\d+\.json$/.test(o.key)) versions.push(await readJson<InferredSchemaVersion>(lake, o.key));
  }
  return versions.sort((a, b) => a.version - b.version);
}

/** Records the table's columns as a new version when they differ from the latest; the version in force. */
export async function recordInferredVersion(
  lake: ObjectStore,
  type: EventType,
  columns: StagedColumn[],
): Promise<InferredSchemaVersion> {
  const versions = await inferredVersionsOf(lake, type.table);
  const latest = versions.at(-1);
  if (latest !== undefined && JSON.stringify(latest.columns) === JSON.stringify(columns)) return latest;
  const next: InferredSchemaVersion = {
    format: 'loadout.inferred-schema',
    event: type.tag,
    table: type.table,
    version: (latest?.version ?? 0) + 1,
    uniqueKey: [INFERRED_KEY],
    columns,
  };
  await lake.write(`${INFERRED_PREFIX}${type.table}/v${next.version}.json`, JSON.stringify(next, null, 1));
  return next;
}
