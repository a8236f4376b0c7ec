/**
 * erasure: one player's data removed from everything Loadout wrote (docs/personal-data.md,
 * "Erasure"). Recorded in the lake first, so every batch from then on drops the player's records;
 * then the lake files are rewritten (staged files a running load claims are waited for and taken
 * once loaded), and only then the warehouse rows deleted, so no load still under way can bring
 * them back. Every step repeats harmlessly: a second run finds nothing more to remove.
 */
import { ApplicationFailure, proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { LoadoutActivities } from '../activities';
import { DEFAULT_LOST_WORKER_TIMEOUT, mergeActivityOptions, quickActivityOptions } from './activity-options';
import type { ErasureInput, ErasureResult, TableErasure } from './erasure-types';
import type { LakeAreaSummary } from '../core/erasure/lake-erasure';
import { ERASURE_WAITING } from './failure-types';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE, LOADOUT_TABLES } from './search-attributes';

/** 30 s between looks, 40 looks: a load of 20 minutes finishes within it. */
const CLAIMED_WAIT = { interval: '30s', looks: 40 };

export async function erasure(input: ErasureInput): Promise<ErasureResult> {
  const heartbeatTimeout = input.lostWorkerTimeout ?? DEFAULT_LOST_WORKER_TIMEOUT;
  const quick = proxyActivities<LoadoutActivities>(quickActivityOptions(heartbeatTimeout, []));
  const long = proxyActivities<LoadoutActivities>(mergeActivityOptions(heartbeatTimeout, []));
  const { pseudonym } = input;
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'erasing' },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
  ]);
  try {
    const { recordedAt } = await quick.recordErasure({ pseudonym });
    const files: ErasureResult['files'] = [];
    const lake = {} as ErasureResult['lake'];
    const take = (erased: LakeAreaSummary) => {
      files.push(...erased.files.map((f) => ({ ...f, area: erased.area })));
      const totals = (lake[erased.area] ??= { files: 0, records: 0 });
      totals.files += erased.filesRewritten;
      totals.records += erased.recordsRemoved;
    };
    const wait = input.claimedWait ?? CLAIMED_WAIT;
    for (let look = 1; ; look++) {
      let pending = 0;
      for (const area of ['tables', 'personal-data'] as const) {
        const erased = await long.eraseLakeFiles({ pseudonym, area });
        take(erased);
        pending += erased.pending;
      }
      if (pending === 0) break;
      if (look >= wait.looks)
        throw ApplicationFailure.nonRetryable(
          `${pending} staged files holding the player are still claimed by an unfinished load: finish that load (loadout status, loadout load), then run loadout erase again`,
          ERASURE_WAITING,
        );
      await sleep(wait.interval);
    }
    for (const area of ['rejects', 'unknown', 'reports'] as const) {
      take(await long.eraseLakeFiles({ pseudonym, area }));
    }
    const tables: TableErasure[] = [];
    for (const target of await quick.listErasureTargets()) {
      const rows = await long.eraseWarehouseRows({ pseudonym, target });
      tables.push({ schema: target.schema, table: target.table, rows });
    }
    const raw = input.rawSource ? await long.eraseRawZone({ pseudonym, source: input.rawSource }) : undefined;
    upsertSearchAttributes([
      { key: LOADOUT_STAGE, value: 'erased' },
      { key: LOADOUT_TABLES, value: tables.filter((t) => t.rows > 0).map((t) => t.table) },
    ]);
    return { pseudonym, recordedAt, tables, files, lake, ...(raw ? { raw } : {}) };
  } catch (error) {
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    throw error;
  }
}
