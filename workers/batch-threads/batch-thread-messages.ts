/** The messages between a worker's activity side and its batch threads (batch-thread-pool.ts, batch-thread.ts). */
import type { BatchPassesJob, BatchPassesResult, BatchProgress } from '../../activities/batch-passes';
import type { CatalogSource } from '../../schemas/catalog-source';
import type { SerializedError } from './thread-errors';

/** A batch's passes, with what the thread needs to open its own catalog and raw store. */
export interface BatchThreadJob extends BatchPassesJob {
  catalog: CatalogSource;
  /** The worker's catalog version (core/batch-id.ts): the thread's must be the same. */
  catalogVersion: string;
  /** Names the activity side's store cache: a thread reuses stores within one, as the activity would. */
  storeScope: string;
}

export interface JobMessage {
  type: 'job';
  id: number;
  job: BatchThreadJob;
}

/** The passes' progress, and `started` once the thread has its catalog and begins reading. */
export type ThreadProgress = BatchProgress | { started: true };

export type ThreadMessage =
  | { type: 'progress'; id: number; progress: ThreadProgress }
  | { type: 'done'; id: number; result: BatchPassesResult }
  | { type: 'failed'; id: number; error: SerializedError };
