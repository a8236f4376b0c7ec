/**
 * `loadout_loads`: one row per load of a table (a loadTable run), beside the ledger: which load,
 * which table, its manifests and rows, when it started and finished (docs/lineage.md). Written once
 * per run, outside the merges' transactions (a shared table written inside them would make
 * concurrent table loads conflict on Redshift), guarded by its key so a retry writes nothing.
 */
import { literal, qualified } from './identifiers';

export const LOADS_TABLE = 'loadout_loads';

export interface TableLoadRow {
  /** The loadTable run: `{workflowId}/{runId}`, unique per load and table. */
  loadId: string;
  /** The workflow that asked for the load (the `load` parent, or the loadTable itself when started alone). */
  workflowId: string;
  table: string;
  status: 'loaded' | 'failed';
  /** Manifests the run merged or found merged (by an earlier attempt of its own or a failed run). */
  manifests: number;
  /** Of which its own merges applied. */
  manifestsApplied: number;
  /** The ledger's rows of those manifests. */
  rows: number;
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
}

export function createLoadsSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, LOADS_TABLE)} (
  "load_id" VARCHAR(512) NOT NULL PRIMARY KEY,
  "workflow_id" VARCHAR(256) NOT NULL,
  "table_name" VARCHAR(128) NOT NULL,
  "status" VARCHAR(16) NOT NULL,
  "manifests" INTEGER NOT NULL,
  "manifests_applied" INTEGER NOT NULL,
  "rows" BIGINT NOT NULL,
  "started_at" TIMESTAMPTZ NOT NULL,
  "finished_at" TIMESTAMPTZ NOT NULL
)`;
}

/** Every value is derived by the pipeline (ids, a table name, counts, ISO times): literals, checked. */
export function insertLoadSql(schema: string, row: TableLoadRow): string {
  const loads = qualified(schema, LOADS_TABLE);
  const count = (n: number) => String(Math.max(0, Math.trunc(n)));
  const time = (iso: string) => `CAST(${literal(new Date(iso).toISOString())} AS TIMESTAMPTZ)`;
  const values = [
    literal(row.loadId),
    literal(row.workflowId),
    literal(row.table),
    literal(row.status),
    count(row.manifests),
    count(row.manifestsApplied),
    count(row.rows),
    time(row.startedAt),
    time(row.finishedAt),
  ];
  return `INSERT INTO ${loads} ("load_id", "workflow_id", "table_name", "status", "manifests", "manifests_applied", "rows", "started_at", "finished_at") SELECT ${values.join(', ')} WHERE NOT EXISTS (SELECT 1 FROM ${loads} WHERE "load_id" = ${literal(row.loadId)})`;
}
