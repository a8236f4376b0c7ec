/** The activities, built by a factory over their dependencies so tests pass real local stores. */
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import type { FileBatchInput } from '../workflows/file-batch-types';
import {
  archiveManifest,
  listTablesToLoad,
  mergeManifest,
  planTableLoad,
  prepareTable,
  refreshKpiViews,
} from './load-activities';
import { whileHeartbeating } from './heartbeat';
import { mergeTableLoads, planTableLoads } from './load-group-activities';
import type { GroupMergeInput } from '../workflows/load-table-group-types';
import { listNewObjects, type ListNewObjectsInput } from './list-new-objects';
import { applyMigration, applyMigrations, planMigration, rebuildTable } from './migration-activities';
import { observeActivities } from '../observability/observe-activities';
import { processFileBatch } from './process-file-batch';
import { recordTableLoad } from './record-table-load';
import type { TableLoadRow } from '../stores/warehouse/sql/loads-sql';
import { listReplayObjects, type ListReplayObjectsInput } from './list-replay-objects';
import { StoreCache } from './store-cache';
import { batchThreadPool, defaultBatchThreads } from '../workers/batch-threads/batch-thread-pool';
import { catalogWithInferred } from './inferred-catalog';
import { stageKeptUnknown } from './stage-kept-unknown';
import type { PersonalDataKeys } from '../core/personal/personal-data';
import type { LakeArea } from '../core/erasure/lake-erasure';
import type { ErasureTarget } from '../stores/warehouse/erase-rows';
import {
  eraseLakeFiles,
  eraseRawZone,
  eraseWarehouseRows,
  listErasureTargets,
  recordErasure,
} from './erasure-activities';

export interface ActivityDeps {
  catalog: Catalog;
  lake: ObjectStore;
  /** duckdb:PATH, postgres://... or redshift://...; loads fail without it. */
  warehouseUrl?: string;
  warehouseSchema?: string;
  stores?: StoreCache;
  /** A worker's: log each batch's and merge's outcome, and record metrics when it serves them. */
  observe?: { metrics: boolean };
  /**
   * The key ring's keys (stores/keys/), read by the worker at start. Required: keys made up per
   * process would give pseudonyms that match no other worker's, and KPIs that count players wrong.
   */
  personalKeys: PersonalDataKeys;
  /** Threads running batches' processing core (workers/batch-threads/); default one per core; 0: the activity's own thread. */
  batchThreads?: number;
}

export function createActivities(deps: ActivityDeps) {
  const stores = deps.stores ?? new StoreCache();
  const personal = deps.personalKeys;
  const threadCount = deps.batchThreads ?? defaultBatchThreads();
  const threads = threadCount > 0 ? batchThreadPool(threadCount) : undefined;
  const processDeps = { catalog: deps.catalog, lake: deps.lake, stores, personal, threads };
  const loadDeps = {
    catalog: deps.catalog,
    lake: deps.lake,
    warehouseUrl: deps.warehouseUrl ?? '',
    warehouseSchema: deps.warehouseSchema ?? 'loadout',
  };
  const erasureDeps = { ...loadDeps, stores, pseudonymKey: personal.pseudonymKey };
  // The catalog plus the inferred tables recorded in the lake (activities/inferred-catalog.ts), read per call.
  const loadDepsNow = async () => ({ ...loadDeps, catalog: await catalogWithInferred(deps.catalog, deps.lake) });
  const activities = {
    planTableLoad: (input: { table: string }) =>
      whileHeartbeating(async () => planTableLoad(await loadDepsNow(), input)),
    prepareTable: (input: { table: string }) => whileHeartbeating(async () => prepareTable(await loadDepsNow(), input)),
    mergeManifest: (input: { table: string; manifestKey: string }) =>
      whileHeartbeating(async () => mergeManifest(await loadDepsNow(), input)),
    archiveManifest: (input: { manifestKey: string }) => whileHeartbeating(() => archiveManifest(loadDeps, input)),
    planTableLoads: (input: { tables: string[] }) =>
      whileHeartbeating(async () => planTableLoads(await loadDepsNow(), input)),
    mergeTableLoads: (input: GroupMergeInput) =>
      whileHeartbeating(async () => mergeTableLoads(await loadDepsNow(), input)),
    listTablesToLoad: (input: { tables?: string[] }) =>
      whileHeartbeating(async () => listTablesToLoad(await loadDepsNow(), input)),
    refreshKpiViews: () => whileHeartbeating(() => refreshKpiViews(loadDeps)),
    planMigration: (input: { tables?: string[] }) =>
      whileHeartbeating(async () => planMigration(await loadDepsNow(), input)),
    applyMigration: (input: { table: string }) =>
      whileHeartbeating(async () => applyMigration(await loadDepsNow(), input)),
    applyMigrations: (input: { tables: string[] }) =>
      whileHeartbeating(async () => applyMigrations(await loadDepsNow(), input)),
    stageKeptUnknown: () => whileHeartbeating(() => stageKeptUnknown(processDeps)),
    recordTableLoad: (input: TableLoadRow) => whileHeartbeating(() => recordTableLoad(loadDeps, input)),
    rebuildTable: (input: { table: string }) => whileHeartbeating(async () => rebuildTable(await loadDepsNow(), input)),
    processFileBatch: (input: FileBatchInput) => processFileBatch(processDeps, input),
    listNewObjects: (input: ListNewObjectsInput) => listNewObjects(processDeps, input),
    listReplayObjects: (input: ListReplayObjectsInput) => listReplayObjects(processDeps, input),
    recordErasure: (input: { pseudonym: string }) => recordErasure(erasureDeps, input),
    eraseLakeFiles: (input: { pseudonym: string; area: LakeArea }) => eraseLakeFiles(erasureDeps, input),
    listErasureTargets: () => listErasureTargets(erasureDeps),
    eraseWarehouseRows: (input: { pseudonym: string; target: ErasureTarget }) => eraseWarehouseRows(erasureDeps, input),
    eraseRawZone: (input: { pseudonym: string; source: string }) => eraseRawZone(erasureDeps, input),
  };
  return deps.observe ? observeActivities(activities, { lake: deps.lake, metrics: deps.observe.metrics }) : activities;
}

export type LoadoutActivities = ReturnType<typeof createActivities>;
