/** Opens each object store location once per worker: S3 clients and directories are reused. */
import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../stores/object/object-store';
import { openObjectStore } from '../stores/object/open-object-store';

export class StoreCache {
  private readonly stores = new Map<string, ObjectStore>();
  /** Names this cache to the batch threads, which keep stores of their own per cache (workers/batch-threads/). */
  readonly scope = randomUUID();

  open(location: string): ObjectStore {
    let store = this.stores.get(location);
    if (store === undefined) {
      store = openObjectStore(location);
      this.stores.set(location, store);
    }
    return store;
  }
}
