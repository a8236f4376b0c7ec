/**
 * Registers Loadout's search attributes on a namespace, so the UI and `temporal workflow list
 * --query` find batches by stage, environment, object and table. Idempotent; the dev server gets
 * them as start flags instead (workers/dev-server.ts).
 */
import type { ConnectionLike } from '@temporalio/client';
// A CommonJS module whose names Node's ESM loader cannot see: take its default export.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const { temporal } = proto;
type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const INDEXED: Record<string, IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

export interface SearchAttributeRegistration {
  added: string[];
  present: string[];
}

export async function registerSearchAttributes(
  connection: ConnectionLike,
  namespace: string,
): Promise<SearchAttributeRegistration> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Map(Object.entries(existing.customAttributes ?? {}));
  const missing: Record<string, IndexedValueType> = {};
  for (const key of SEARCH_ATTRIBUTES) {
    const type = INDEXED[key.type];
    if (type === undefined) throw new Error(`no indexed value type for search attribute ${key.name} (${key.type})`);
    const current = have.get(key.name);
    if (current === undefined) missing[key.name] = type;
    else if (current !== type) {
      throw new Error(
        `search attribute ${key.name} exists on namespace ${namespace} with another type (${temporal.api.enums.v1.IndexedValueType[current]}); Loadout needs ${key.type}`,
      );
    }
  }
  const added = Object.keys(missing);
  try {
    if (added.length > 0)
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    // Temporal Cloud manages search attributes through its own API and refuses this call.
    throw new Error(
      `could not register search attributes ${added.join(', ')} on ${namespace} (${(error as Error).message}); register them with your cluster's admin tools, e.g. \`tcld namespace search-attributes add\` on Temporal Cloud`,
    );
  }
  return { added, present: SEARCH_ATTRIBUTES.map((k) => k.name).filter((n) => !added.includes(n)) };
}
