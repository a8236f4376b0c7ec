/**
 * PostgreSQL as the warehouse. PostgreSQL cannot read Parquet, so merge() reads the staged files
 * itself (hyparquet, one row group at a time) and streams them into the staging table with
 * COPY FROM STDIN (binary format by default, CSV on request), then runs the shared merge SQL, all
 * in one transaction on one connection.
 *
 * Staging tables: the shared SQL makes plain TEMP tables; they are dropped inside the transaction
 * before COMMIT (a ROLLBACK undoes their creation anyway), so a pooled connection never carries
 * one into the next merge. (ON COMMIT DROP would do the same, but would need a dialect-specific
 * createStagingSql.)
 */
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ColumnType } from '../../schemas/column-types';
import { ident } from './sql/identifiers';
import {
  createLedgerSql,
  createSchemaSql,
  createStagingSql,
  dropStagingStatements,
  ledgerRowsSql,
  mergeStatements,
  stagingTableName,
  type TypeNames,
} from './sql/merge-sql';
import { readLedger } from './ledger-read';
import { createPool, operationFailed } from './pg-pool';
import { binaryChunks, csvChunks } from './postgres-copy-encoders';
import { POSTGRES_RESULT_TYPES } from './postgres-result-types';
import { withUtcSession } from './postgres-url';
import type { ExistingColumn, LedgerEntry, MergeOutcome, MergePlan, Warehouse } from './warehouse';

export const POSTGRES_TYPES: TypeNames = {
  string: 'TEXT',
  json: 'TEXT',
  int64: 'BIGINT',
  double: 'DOUBLE PRECISION',
  decimal: 'NUMERIC(18,4)',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/** information_schema.columns.data_type back to Loadout types (json and string are both TEXT). */
const FROM_POSTGRES: Record<string, ColumnType> = {
  text: 'string',
  'character varying': 'string',
  json: 'json',
  jsonb: 'json',
  bigint: 'int64',
  'double precision': 'double',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamp',
};

export interface PostgresWarehouseOptions {
  /** statement_timeout of each statement of a merge (the COPY is one statement); default 30 min. */
  statementTimeoutMs?: number;
  /** Connections in the pool; default 4. */
  maxConnections?: number;
  /** COPY's format: 'binary' (default; measured faster, see scripts/bench-postgres-load.ts) or 'csv'. */
  copyFormat?: 'binary' | 'csv';
  /** Rows per chunk written to the COPY stream in CSV; default 5,000. */
  copyChunkRows?: number;
  /** work_mem of a merge (the dedup sort and the delete's hash join); default '256MB'. */
  workMem?: string;
  /** Called after each step of a merge with its duration: for benchmarks and logs. */
  onStep?: (step: 'copy' | 'dedup' | 'delete' | 'insert' | 'ledger' | 'finish', ms: number) => void;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30 * 60_000;

export class PostgresWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  readonly types = POSTGRES_TYPES;
  private readonly pool: pg.Pool;
  private readonly statementTimeoutMs: number;
  private readonly copyChunkRows: number;
  private readonly copyFormat: 'binary' | 'csv';
  private readonly workMem: string;
  private readonly onStep: NonNullable<PostgresWarehouseOptions['onStep']>;

  constructor(
    readonly url: string,
    options: PostgresWarehouseOptions = {},
  ) {
    this.statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    this.copyChunkRows = options.copyChunkRows ?? 5_000;
    this.copyFormat = options.copyFormat ?? 'binary';
    this.workMem = options.workMem ?? '256MB';
    if (!/^\d+\s*(kB|MB|GB)?$/.test(this.workMem))
      throw new Error(`workMem ${JSON.stringify(this.workMem)} is not a PostgreSQL memory size such as 256MB`);
    this.onStep = options.onStep ?? (() => {});
    // A connection the server drops fails the statement it was running, never the process.
    this.pool = createPool({
      connectionString: withUtcSession(url),
      max: options.maxConnections ?? 4,
      types: POSTGRES_RESULT_TYPES,
    });
  }

  async ensureLedger(schema: string): Promise<void> {
    // Two first loads at once can race in CREATE ... IF NOT EXISTS (a unique violation in the
    // catalog): the loser's second attempt then finds what the winner created.
    await retryCatalogRace(async () => {
      await this.pool.query(createSchemaSql(schema));
      await this.pool.query(createLedgerSql(schema));
    }).catch((error: unknown) => {
      throw operationFailed(`creating the ledger in schema ${schema}`, error);
    });
  }

  async describeTable(schema: string, table: string): Promise<ExistingColumn[] | undefined> {
    const { rows } = await this.pool
      .query<{
        column_name: string;
        data_type: string;
        is_nullable: string;
        numeric_precision: number | null;
        numeric_scale: number | null;
      }>(
        `SELECT column_name, data_type, is_nullable, numeric_precision, numeric_scale FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [schema, table],
      )
      .catch((error: unknown) => {
        throw operationFailed(`describing table ${schema}.${table}`, error);
      });
    if (rows.length === 0) return undefined;
    return rows.map((r) => {
      const numeric = r.data_type.toLowerCase() === 'numeric';
      // Only NUMERIC(18,4) is a Loadout decimal; another precision or scale is shown as it is.
      const warehouseType = numeric
        ? `numeric(${r.numeric_precision ?? ''},${r.numeric_scale ?? ''})`
        : r.data_type.toLowerCase();
      const type = numeric ? (warehouseType === 'numeric(18,4)' ? 'decimal' : undefined) : FROM_POSTGRES[warehouseType];
      return { name: r.column_name, warehouseType, ...(type ? { type } : {}), nullable: r.is_nullable === 'YES' };
    });
  }

  async runDdl(statements: readonly string[]): Promise<void> {
    // Each statement on its own, autocommitted, on one connection, in order.
    const client = await this.pool.connect().catch((error: unknown) => {
      throw operationFailed('DDL (connecting)', error);
    });
    let broken: Error | undefined;
    try {
      for (const [i, sql] of statements.entries()) {
        try {
          await client.query(sql);
        } catch (error) {
          broken = operationFailed(
            `DDL statement ${i + 1} of ${statements.length} (${statementHead(sql)})`,
            error,
            client,
          );
          throw broken;
        }
      }
    } finally {
      // A failed statement may have left the connection broken: close it rather than pool it.
      client.release(broken);
    }
  }

  async runTransaction(statements: readonly string[]): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw operationFailed('transaction (connecting)', error);
    });
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      for (const [i, sql] of statements.entries()) {
        try {
          await client.query(sql);
        } catch (error) {
          broken = operationFailed(
            `transaction statement ${i + 1} of ${statements.length} (${statementHead(sql)}), rolled back`,
            error,
            client,
          );
          await client.query('ROLLBACK').catch(() => {});
          throw broken;
        }
      }
      await client.query('COMMIT');
    } finally {
      client.release(broken);
    }
  }

  async merge(plan: MergePlan): Promise<MergeOutcome> {
    const ledger = ledgerRowsSql(plan.schema, plan.table);
    const operation = (stage: string) => `merge of ${plan.manifestKey} into ${plan.schema}.${plan.table} (${stage})`;
    const client = await this.pool.connect().catch((error: unknown) => {
      throw operationFailed(operation('connecting'), error);
    });
    let stage = 'begin';
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(this.statementTimeoutMs))}`);
        await client.query(`SET LOCAL work_mem = '${this.workMem}'`);
        // One load of a table at a time, whatever the orchestration does: a second merge of the
        // same table waits here until the first commits, then sees its ledger row.
        stage = 'lock';
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `loadout:${plan.schema}.${plan.table}`,
        ]);
        // The table's own ledger, created by its first merge (after the lock: one creator at a time).
        stage = 'ledger check';
        await client.query(createLedgerSql(plan.schema, plan.table));
        const recorded = await ledgerRows(client, ledger, plan.manifestKey);
        if (recorded !== undefined) {
          await client.query('ROLLBACK');
          // Committed by an earlier attempt (perhaps one killed before it could report): its rows.
          return { applied: false, stagedRows: 0, mergedRows: recorded };
        }
        let clock = performance.now();
        const step = (name: Parameters<typeof this.onStep>[0]) => {
          const now = performance.now();
          this.onStep(name, now - clock);
          clock = now;
        };
        stage = 'copy';
        await client.query(createStagingSql(plan, POSTGRES_TYPES));
        const staging = ident(stagingTableName(plan));
        const columns = plan.fileColumns.map((c) => ident(c.name)).join(', ');
        const copy = client.query(
          copyStreams.from(`COPY ${staging} (${columns}) FROM STDIN (FORMAT ${this.copyFormat})`),
        );
        // pipeline() hears the COPY's errors while it runs; this listener keeps one that arrives
        // after it settled (a connection dropped mid-COPY) from ending the process.
        copy.on('error', () => {});
        const chunks = this.copyFormat === 'binary' ? binaryChunks(plan) : csvChunks(plan, this.copyChunkRows);
        await pipeline(Readable.from(chunks), copy);
        step('copy');

        const [dedup, deleteSql, insertSql, ledgerSql, ...more] = mergeStatements(plan);
        if (!dedup || !deleteSql || !insertSql || !ledgerSql || more.length > 0) {
          throw new Error('mergeStatements changed shape: expected dedup, delete, insert, ledger');
        }
        stage = 'dedup';
        await client.query(dedup);
        // Temp tables are never analysed by autovacuum: give the planner the deduplicated table's size.
        const unique = ident(`${stagingTableName(plan)}_one`.slice(0, 63));
        await client.query(`ANALYZE ${unique}`);
        step('dedup');
        stage = 'delete';
        await client.query(deleteSql);
        step('delete');
        stage = 'insert';
        const insert = await client.query(insertSql);
        step('insert');
        stage = 'ledger';
        const ledgerInsert = await client.query(ledgerSql);
        step('ledger');
        const applied = ledgerInsert.rowCount === 1;
        const counts = await client.query<{ staged: number }>(`SELECT count(*) AS staged FROM ${unique}`);
        // The staging tables are plain TEMP tables (the shared SQL has no ON COMMIT DROP), and this
        // connection goes back to the pool: drop them before COMMIT, so a rollback undoes both.
        stage = 'cleanup';
        for (const sql of dropStagingStatements(plan)) await client.query(sql);
        if (!applied) {
          // Guarded statements found the manifest already loaded: nothing changed; say so.
          const rows = await ledgerRows(client, ledger, plan.manifestKey);
          await client.query('ROLLBACK');
          return { applied: false, stagedRows: 0, mergedRows: rows ?? 0 };
        }
        stage = 'commit';
        await client.query('COMMIT');
        step('finish');
        return { applied: true, stagedRows: Number(counts.rows[0]!.staged), mergedRows: insert.rowCount ?? 0 };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    } catch (error) {
      // After any failure the connection is closed, not pooled: a COPY cut off midway or a failed
      // ROLLBACK could leave it in a state the next merge should not inherit.
      broken = operationFailed(operation(stage), error, client);
      throw broken;
    } finally {
      client.release(broken);
    }
  }

  async ledger(schema: string, table?: string): Promise<LedgerEntry[]> {
    return readLedger({ query: (sql, params) => this.select('reading the ledger', sql, params ?? []) }, schema, table);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.select('query', sql, params);
  }

  async deleteRows(sql: string, params: readonly unknown[]): Promise<number> {
    const result = await this.pool.query(sql, params as unknown[]).catch((error: unknown) => {
      throw operationFailed('delete', error);
    });
    return result.rowCount ?? 0;
  }

  /** One statement on any pooled connection; a failure names `operation`. */
  private async select(operation: string, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query(sql, params as unknown[]).catch((error: unknown) => {
      throw operationFailed(operation, error);
    });
    return result.rows as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
/**
 * The rows the ledger recorded for a manifest (the deduplicated rows its merge inserted, which is
 * every row it merged), or undefined when the manifest is not in the ledger (`ledgerSql`: ledgerRowsSql).
 */
async function ledgerRows(client: pg.PoolClient, ledgerSql: string, manifestKey: string): Promise<number | undefined> {
  const { rows } = await client.query<{ rows: number | string }>(ledgerSql, [manifestKey]);
  return rows.length === 0 ? undefined : Number(rows[0]!.rows);
}

/** The start of a statement, on one line, for error messages (generated DDL: no data, no secrets). */
function statementHead(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}

async function retryCatalogRace(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 23505 unique_violation (pg_namespace/pg_type), 42P06 duplicate_schema, 42P07 duplicate_table.
    if (code !== '23505' && code !== '42P06' && code !== '42P07') throw error;
    await work();
  }
}
