/** loadTable: manifests of one table's staged files -> COPY, merge with a ledger row -> archive. */
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { LoadoutActivities } from '../activities';
import type { LoadTableInput, LoadTableResult, ManifestLoad } from './load-types';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE, LOADOUT_TABLES } from './search-attributes';

const NON_RETRYABLE = ['UnknownTable', 'RefusedMigration'];

export async function loadTable(input: LoadTableInput): Promise<LoadTableResult> {
  // Every activity heartbeats, so a killed worker's work is retried after lostWorkerTimeout.
  const heartbeatTimeout = input.lostWorkerTimeout ?? '2m';
  const quick = proxyActivities<LoadoutActivities>({
    startToCloseTimeout: '30m',
    heartbeatTimeout,
    retry: { initialInterval: '1s', maximumInterval: '1m', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  const long = proxyActivities<LoadoutActivities>({
    startToCloseTimeout: '2h',
    heartbeatTimeout,
    retry: { initialInterval: '5s', maximumInterval: '2m', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'loading' },
    { key: LOADOUT_TABLES, value: [input.table] },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
  ]);
  try {
    const manifests = await quick.planTableLoad({ table: input.table });
    if (manifests.length === 0) {
      upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loaded' }]);
      return { table: input.table, created: false, addedColumns: [], manifests: [] };
    }
    const prepared = await quick.prepareTable({ table: input.table });
    const loads: ManifestLoad[] = [];
    for (const manifest of manifests) {
      const outcome = await long.mergeManifest({ table: input.table, manifestKey: manifest.manifestKey });
      // After the merge committed: a crash here leaves the manifest unfinished, and the next load
      // finds it, sees it in the ledger (applied=false) and archives its files.
      await long.archiveManifest({ manifestKey: manifest.manifestKey });
      loads.push({ manifestKey: manifest.manifestKey, files: manifest.files, applied: outcome.applied, mergedRows: outcome.mergedRows, seconds: outcome.seconds });
    }
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'loaded' }]);
    return { table: input.table, created: prepared.created, addedColumns: prepared.addedColumns, manifests: loads };
  } catch (error) {
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    throw error;
  }
}
