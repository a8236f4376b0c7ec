/** fileBatch: one batch of raw objects -> validated, deduplicated Parquet per table in staged/. */
import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { LoadoutActivities } from '../activities';
import type { FileBatchInput, FileBatchResult } from './file-batch-types';
import {
  LOADOUT_ENVIRONMENT,
  LOADOUT_OBJECTS,
  LOADOUT_QUARANTINED,
  LOADOUT_STAGE,
  LOADOUT_TABLES,
} from './search-attributes';
import { searchAttributeKeys, searchAttributeTables } from './search-attribute-values';
import { fileBatchActivityOptions } from './activity-options';

export async function fileBatch(input: FileBatchInput): Promise<FileBatchResult> {
  const { processFileBatch } = proxyActivities<LoadoutActivities>(fileBatchActivityOptions(input.heartbeatTimeout));
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'processing' },
    // Shortened recognisably and bounded in total, within Temporal's limits; the full list is the input.
    { key: LOADOUT_OBJECTS, value: searchAttributeKeys(input.objects.map((o) => o.key)) },
    ...(input.environment ? [{ key: LOADOUT_ENVIRONMENT, value: input.environment }] : []),
    ...(input.tables ? [{ key: LOADOUT_TABLES, value: searchAttributeTables(input.tables) }] : []),
  ]);
  let result: FileBatchResult;
  try {
    result = await processFileBatch(input);
  } catch (error) {
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    // The cause (e.g. which object is corrupt) is what an operator needs on the failed workflow.
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) throw error.cause;
    throw error;
  }
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'staged' },
    { key: LOADOUT_TABLES, value: searchAttributeTables(result.staged.map((s) => s.table)) },
    // Results of older workers have no list. Zero is set too, so `LoadoutQuarantined = 0` finds clean batches.
    ...(patched('quarantined-search-attribute')
      ? [{ key: LOADOUT_QUARANTINED, value: result.quarantined?.length ?? 0 }]
      : []),
  ]);
  return result;
}
