/**
 * `bench-load.ts --statements`: the DuckDB merge statement by statement, a first load into an empty
 * table and a second that overlaps it, with the cost of opening the file, CHECKPOINT and closing.
 * Times every statement the adapter runs by wrapping DuckDB's connection, so it measures merge() itself.
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { createTableSql } from '../stores/warehouse/sql/merge-sql';
import { DUCKDB_TYPES, DuckDbWarehouse } from '../stores/warehouse/duckdb-warehouse';
import type { MergePlan, WarehouseColumn } from '../stores/warehouse/warehouse';

export interface StatementTiming {
  sql: string;
  ms: number;
}

const timings: StatementTiming[] = [];
let wrapped = false;
let depth = 0;

/** Records each run/runAndReadAll of any DuckDB connection (the outer call only: one reads through the other). */
function wrapConnection(): void {
  if (wrapped) return;
  wrapped = true;
  const proto = DuckDBConnection.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const method of ['run', 'runAndReadAll']) {
    const original = proto[method]!;
    proto[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      depth++;
      try {
        return await original.apply(this, args);
      } finally {
        depth--;
        if (depth === 0) {
          const sql = String(args[0]).replace(/\s+/g, ' ');
          timings.push({
            sql: sql.length > 90 ? `${sql.slice(0, 90)}...` : sql,
            ms: round(performance.now() - started),
          });
        }
      }
    };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; statements: StatementTiming[] }> {
  timings.length = 0;
  const started = performance.now();
  const value = await work();
  return { value, ms: round(performance.now() - started), statements: [...timings] };
}

/** One load of `files` under a new manifest, in a session of its own as an activity has: open, merge, checkpoint, close. */
async function session(path: string, plan: MergePlan, columns: readonly WarehouseColumn[]) {
  const warehouse = new DuckDbWarehouse(path);
  const open = await timed(async () => {
    await warehouse.ensureLedger(plan.schema);
    await warehouse.runDdl([createTableSql(plan.schema, plan.table, columns, DUCKDB_TYPES)]);
  });
  const merge = await timed(() => warehouse.merge(plan));
  const checkpoint = await timed(() => warehouse.runDdl(['CHECKPOINT']));
  const close = await timed(async () => {
    await warehouse.close();
    // The instance closes after its last user leaves, on the next turn of the event loop.
    await new Promise((r) => setTimeout(r, 0));
  });
  return {
    outcome: merge.value,
    open_ms: open.ms,
    merge_ms: merge.ms,
    checkpoint_ms: checkpoint.ms,
    close_ms: close.ms,
    statements: merge.statements,
  };
}

/** A first load of `first` into an empty table, then `second` (overlapping it) into the same file. */
export async function benchStatements(
  dir: string,
  planOf: (manifest: string, files: MergePlan['files']) => MergePlan,
  first: MergePlan['files'],
  second: MergePlan['files'],
  n: number,
) {
  wrapConnection();
  const path = join(dir, `statements-${n}.duckdb`);
  const columns = planOf('ddl', []).targetColumns;
  return {
    first_load: await session(path, planOf(`first-${n}`, first), columns),
    overlapping_load: await session(path, planOf(`second-${n}`, second), columns),
  };
}
