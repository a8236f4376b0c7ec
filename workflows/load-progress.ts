/** The load workflow's progress by table, for the CLI's per-table lines: a query, so it adds nothing to the history. */
import { defineQuery } from '@temporalio/workflow';

export interface LoadProgress {
  /** Tables with staged files, once listed. */
  tables: string[];
  running: string[];
  loaded: { table: string; mergedRows: number; manifests: number }[];
  failed: string[];
}

export const loadProgressQuery = defineQuery<LoadProgress>('loadProgress');
