/** Inputs and results of loadTableGroup and its activities: keys and counts only. */
import type { FailedTableLoad, LoadTableResult } from './load-types';

export interface LoadTableGroupInput {
  environment: string;
  /** The group's index (workflows/table-groups.ts): part of the workflow id. */
  group: number;
  tables: string[];
  lostWorkerTimeout?: string;
}

export interface LoadTableGroupResult {
  /** The tables that loaded (also those with nothing staged), by name. */
  results: LoadTableResult[];
  failures: FailedTableLoad[];
}

export interface PlannedTableManifest {
  manifestKey: string;
  files: number;
}

export interface TablePlanOutcome {
  table: string;
  manifests: PlannedTableManifest[];
  /** Why the table could not be planned (a table no schema declares). */
  failed?: string;
}

export interface GroupMergeInput {
  loads: { table: string; manifests: PlannedTableManifest[] }[];
  /** For each table's `loadout_loads` row. */
  run: { loadId: string; workflowId: string; startedAt: string };
}

export interface MergedManifest extends PlannedTableManifest {
  applied: boolean;
  stagedRows: number;
  mergedRows: number;
  seconds: number;
  /** When its merge committed (ISO): freshness is measured to it. */
  committedAt: string;
}

export interface TableMergeOutcome {
  table: string;
  /** The manifests merged, in order; after a failure, those merged before it. */
  manifests: MergedManifest[];
  failed?: string;
}
