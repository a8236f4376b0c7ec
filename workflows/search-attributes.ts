/** Search attributes: the typed keys shared by workflows, the worker, the CLI and the test server. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** What a batch is doing: processing, staged, failed; lets the UI list failed batches. */
export const LOADOUT_STAGE = defineSearchAttributeKey('LoadoutStage', SearchAttributeType.KEYWORD);
/** The environment that started the workflow (production, playtest, ...). */
export const LOADOUT_ENVIRONMENT = defineSearchAttributeKey('LoadoutEnvironment', SearchAttributeType.KEYWORD);
/** Raw object keys of a batch (first 20: a batch's list can be long, the UI needs a handle). */
export const LOADOUT_OBJECTS = defineSearchAttributeKey('LoadoutObjects', SearchAttributeType.KEYWORD_LIST);
/** Tables a batch staged or a load loaded. */
export const LOADOUT_TABLES = defineSearchAttributeKey('LoadoutTables', SearchAttributeType.KEYWORD_LIST);

/** Objects of a batch that were quarantined (unreadable); the batch staged the rest. */
export const LOADOUT_QUARANTINED = defineSearchAttributeKey('LoadoutQuarantined', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTES = [
  LOADOUT_STAGE,
  LOADOUT_ENVIRONMENT,
  LOADOUT_OBJECTS,
  LOADOUT_TABLES,
  LOADOUT_QUARANTINED,
];

/** `temporal server start-dev --search-attribute` arguments for the same keys. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int' };
  return SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type] ?? k.type}`]);
}

export const MAX_OBJECTS_IN_SEARCH_ATTRIBUTE = 20;
