/**
 * A batch thread's entry (started by batch-thread-pool.ts through tsx): runs the batch passes the
 * pool sends, one at a time, on a catalog loaded from the worker's source and raw stores of its own.
 */
import { parentPort } from 'node:worker_threads';
import { runBatchPasses } from '../../activities/batch-passes';
import { StoreCache } from '../../activities/store-cache';
import { replayCatalogVersion } from '../../activities/replay-catalog';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import type { CatalogSource } from '../../schemas/catalog-source';
import type { JobMessage, ThreadMessage, ThreadProgress } from './batch-thread-messages';
import { serializeError } from './thread-errors';

/** Progress at most this often per object: the activity side heartbeats with it, and Temporal throttles anyway. */
const PROGRESS_EVERY_MS = 250;
/** Store caches kept: one per activities instance in practice; tests make many. */
const SCOPES_KEPT = 8;

const port = parentPort;
if (port === null)
  throw new Error('batch-thread.ts runs on a worker thread (workers/batch-threads/batch-thread-pool.ts)');

const catalogs = new Map<string, Promise<Catalog>>();
const scopes = new Map<string, StoreCache>();

function catalogOf(source: CatalogSource): Promise<Catalog> {
  const key = `${source.evolution}:${source.dir}`;
  let catalog = catalogs.get(key);
  if (catalog === undefined) {
    // A catalog that failed to load is read again by the next batch.
    catalog = loadCatalog(source.dir, { evolution: source.evolution }).catch((error: unknown) => {
      catalogs.delete(key);
      throw error;
    });
    catalogs.set(key, catalog);
  }
  return catalog;
}

function storesOf(scope: string): StoreCache {
  let stores = scopes.get(scope);
  if (stores === undefined) {
    stores = new StoreCache();
    scopes.set(scope, stores);
    if (scopes.size > SCOPES_KEPT) scopes.delete(scopes.keys().next().value!);
  }
  return stores;
}

const post = (message: ThreadMessage) => port.postMessage(message);

port.on('message', (message: JobMessage) => {
  void run(message);
});

async function run({ id, job }: JobMessage): Promise<void> {
  try {
    const catalog = await catalogOf(job.catalog);
    // The files changed after the worker read them: its fingerprints and loads would not match the staged files.
    if (replayCatalogVersion(catalog, undefined) !== job.catalogVersion)
      throw new Error(
        `the schemas in ${job.catalog.dir} changed after this worker started: restart the worker so that it and its batch threads read the same ones`,
      );
    const raw = storesOf(job.storeScope).open(job.source);
    const send = (progress: ThreadProgress) => post({ type: 'progress', id, progress });
    send({ started: true });
    let lastObject = -1;
    let lastAt = 0;
    const result = await runBatchPasses(catalog, raw, job, {
      progress(progress) {
        if ('object' in progress) {
          const now = performance.now();
          if (progress.object === lastObject && now - lastAt < PROGRESS_EVERY_MS) return;
          lastObject = progress.object;
          lastAt = now;
        }
        send(progress);
      },
      finishing: (work) => work(),
    });
    post({ type: 'done', id, result });
  } catch (error) {
    post({ type: 'failed', id, error: serializeError(error) });
  }
}
