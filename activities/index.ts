/** The activities, built by a factory over their dependencies so tests pass real local stores. */
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import type { FileBatchInput } from '../workflows/file-batch-types';
import { listNewObjects, type ListNewObjectsInput } from './list-new-objects';
import { processFileBatch } from './process-file-batch';
import { StoreCache } from './store-cache';

export interface ActivityDeps {
  catalog: Catalog;
  lake: ObjectStore;
  stores?: StoreCache;
}

export function createActivities(deps: ActivityDeps) {
  const stores = deps.stores ?? new StoreCache();
  const processDeps = { catalog: deps.catalog, lake: deps.lake, stores };
  return {
    processFileBatch: (input: FileBatchInput) => processFileBatch(processDeps, input),
    listNewObjects: (input: ListNewObjectsInput) => listNewObjects(processDeps, input),
  };
}

export type LoadoutActivities = ReturnType<typeof createActivities>;
