/** The replay workflow's input, progress and result: keys and counts only. */
import type { LoadResult } from './load-types';

export interface ReplayInput {
  environment: string;
  /** The raw location: a directory or s3://bucket/prefix. */
  source: string;
  /** ISO 8601; the window is [from, to), matched against each object's time (see core/object-time.ts). */
  from: string;
  to: string;
  /** Stage only these tables (default: every table). */
  tables?: string[];
  /** Child fileBatch runs at once (default 4). */
  maxParallel?: number;
  /** Objects and bytes per child batch (defaults 16 and 256 MiB, as discovery). */
  batchObjects?: number;
  batchBytes?: number;
  /** Objects per listing page (default 500). */
  pageSize?: number;
  /** Listing pages per run before continuing as new (default 10; Temporal may suggest it sooner). */
  pagesPerRun?: number;
  /** Load the affected tables when done (default true). */
  load?: boolean;
  lostWorkerTimeout?: string;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: ReplayCarried;
}

export interface ReplayProgress {
  phase: 'processing' | 'loading' | 'done' | 'failed';
  /** Keys listed so far, in the window or not, and the last one: where the listing resumes. */
  scanned: number;
  lastKey?: string;
  objects: number;
  batches: number;
  batchesDone: number;
  /** Batches this replay had already run under the same schemas: their output stands. */
  batchesAlreadyDone: number;
  batchesFailed: number;
  rowsStaged: Record<string, number>;
  /** How many times the workflow continued as new. */
  continuedAsNew: number;
}

export interface ReplayFailure {
  workflowId: string;
  message: string;
}

export interface ReplayCarried {
  progress: ReplayProgress;
  failures: ReplayFailure[];
}

export interface ReplayResult {
  progress: ReplayProgress;
  failures: ReplayFailure[];
  load?: LoadResult;
}
