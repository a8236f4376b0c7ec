/** Inputs and results of the load and loadTable workflows: keys and counts only. */

export interface LoadInput {
  environment: string;
  /** Only these tables (default: every table with staged files). */
  tables?: string[];
  /** loadTableGroup children running at once (default 4). */
  maxParallel?: number;
  /** How soon a vanished worker's activity is retried elsewhere, e.g. '30s' (default 2m; tests shorten it). */
  lostWorkerTimeout?: string;
  /** Tables one run loads before it continues as new (default TABLES_PER_RUN); tests lower it. */
  tablesPerRun?: number;
  /** Set by continue-as-new: the tables still to load, and what the earlier runs loaded or failed. */
  continued?: {
    remaining: string[];
    results: LoadTableResult[];
    alreadyLoading: string[];
    failures: FailedTableLoad[];
  };
}

export interface LoadTableInput {
  environment: string;
  table: string;
  lostWorkerTimeout?: string;
}

export interface ManifestLoad {
  manifestKey: string;
  files: number;
  /** False when the merge found the manifest in the ledger: an earlier attempt or load had committed it. */
  applied: boolean;
  /** Rows the manifest's merge put in the table, also when an earlier attempt committed it (from its ledger row). */
  mergedRows: number;
  /** Wall time of the merge activity. */
  seconds: number;
}

export interface LoadTableResult {
  table: string;
  created: boolean;
  addedColumns: string[];
  manifests: ManifestLoad[];
}

export interface LoadResult {
  tables: LoadTableResult[];
  /** Tables whose loadTable was already running (never two loads of a table at once). */
  alreadyLoading: string[];
  views: string[];
}

/** A table whose loadTable failed, with the innermost reason (a refused migration's plan, ...). */
export interface FailedTableLoad {
  table: string;
  reason: string;
}

/**
 * The details of a failed load's ApplicationFailure (type LoadFailed): the tables that loaded
 * and those that failed, so the UI shows a failed load and the CLI still prints what loaded.
 */
export interface LoadFailureDetails extends LoadResult {
  failed: FailedTableLoad[];
}
