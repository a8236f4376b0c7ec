/** The embedded warehouse: one DuckDB file, nothing to install; reads staged Parquet natively. */
import {
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ColumnType } from '../../schemas/column-types';
import { columnTypeSql } from './sql/column-type-sql';
import { ident, literal } from './sql/identifiers';
import {
  createLedgerSql,
  createSchemaSql,
  dropStagingStatements,
  ledgerRowsSql,
  mergeStatements,
  type TypeNames,
} from './sql/merge-sql';
import { readLedger } from './ledger-read';
import { decimalValue, integerValue, timestampFromMicros } from './result-values';
import type { ExistingColumn, LedgerEntry, MergeOutcome, MergePlan, Warehouse } from './warehouse';

export const DUCKDB_TYPES: TypeNames = {
  string: 'VARCHAR',
  json: 'VARCHAR',
  int64: 'BIGINT',
  double: 'DOUBLE',
  decimal: 'DECIMAL(18,4)',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

const FROM_DUCKDB: Record<string, ColumnType> = {
  VARCHAR: 'string',
  BIGINT: 'int64',
  DOUBLE: 'double',
  'DECIMAL(18,4)': 'decimal',
  BOOLEAN: 'boolean',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
};

export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly types = DUCKDB_TYPES;
  private connection: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;

  /** `path` is the database file; it is opened on first use and closed by close(). */
  constructor(readonly path: string) {}

  private async db(): Promise<DuckDBConnection> {
    this.connection ??= (async () => {
      const instance = await acquireInstance(this.path);
      const connection = await instance.connect();
      // Timestamps print and group in UTC, whatever the host's zone.
      await connection.run("SET TimeZone = 'UTC'");
      return { instance, connection };
    })();
    return (await this.connection).connection;
  }

  async ensureLedger(schema: string): Promise<void> {
    const db = await this.db();
    await db.run(createSchemaSql(schema));
    await db.run(createLedgerSql(schema));
  }

  async describeTable(schema: string, table: string): Promise<ExistingColumn[] | undefined> {
    const rows = await this.query(
      'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    if (rows.length === 0) return undefined;
    return rows.map((r) => ({
      name: String(r.column_name),
      warehouseType: String(r.data_type).toLowerCase(),
      type: FROM_DUCKDB[String(r.data_type)],
      nullable: r.is_nullable === 'YES',
    }));
  }

  async runDdl(statements: readonly string[]): Promise<void> {
    const db = await this.db();
    for (const sql of statements) await db.run(sql);
  }

  async runTransaction(statements: readonly string[]): Promise<void> {
    const db = await this.db();
    await db.run('BEGIN TRANSACTION');
    try {
      for (const sql of statements) await db.run(sql);
      await db.run('COMMIT');
    } catch (error) {
      await db.run('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async merge(plan: MergePlan): Promise<MergeOutcome> {
    const db = await this.db();
    const ledger = ledgerRowsSql(plan.schema, plan.table);
    // As the staging table's INSERT cast them: each file column to its warehouse type, by name.
    const casts = plan.fileColumns
      .map((c) => `CAST(${ident(c.name)} AS ${columnTypeSql(c, DUCKDB_TYPES)}) AS ${ident(c.name)}`)
      .join(', ');
    const files = `[${plan.files.map((f) => literal(f.url)).join(', ')}]`;
    await db.run('BEGIN TRANSACTION');
    try {
      await db.run(createLedgerSql(plan.schema, plan.table));
      const seen = await db.runAndReadAll(
        `SELECT MAX("rows")::BIGINT AS rows FROM (${ledger}) AS "l" HAVING COUNT(*) > 0`,
        [plan.manifestKey],
      );
      const recorded = seen.getRowObjects()[0];
      if (recorded !== undefined) {
        await db.run('ROLLBACK');
        // Committed by an earlier attempt (perhaps one killed before it could report): its rows.
        return { applied: false, stagedRows: 0, mergedRows: Number(recorded.rows) };
      }
      // DuckDB reads the staged Parquet itself, straight into the dedup: no staging table to fill.
      const staged = `(SELECT ${casts} FROM read_parquet(${files})) AS ${ident('staged')}`;
      for (const sql of mergeStatements(plan, { notDistinct: true, stagedFrom: staged })) await db.run(sql);
      const counts = await db.runAndReadAll(
        // The ledger row holds the deduplicated count: rows staged after dedup, all merged.
        `SELECT MAX("rows")::BIGINT AS staged, MAX("rows")::BIGINT AS merged FROM (${ledger}) AS "l"`,
        [plan.manifestKey],
      );
      for (const sql of dropStagingStatements(plan)) await db.run(sql);
      await db.run('COMMIT');
      const row = counts.getRowObjects()[0]!;
      return { applied: true, stagedRows: Number(row.staged), mergedRows: Number(row.merged) };
    } catch (error) {
      await db.run('ROLLBACK').catch(() => {});
      for (const sql of dropStagingStatements(plan)) await db.run(sql).catch(() => {});
      throw error;
    }
  }

  async ledger(schema: string, table?: string): Promise<LedgerEntry[]> {
    return readLedger(this, schema, table);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const db = await this.db();
    const reader = await db.runAndReadAll(sql, params.length > 0 ? (params as DuckDBValue[]) : undefined);
    return reader
      .getRowObjects()
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plainValue(v)])));
  }

  async deleteRows(sql: string, params: readonly unknown[]): Promise<number> {
    const db = await this.db();
    return (await db.run(sql, params as DuckDBValue[])).rowsChanged;
  }

  async close(): Promise<void> {
    if (this.connection === undefined) return;
    const { connection } = await this.connection;
    this.connection = undefined;
    connection.closeSync();
    releaseInstance(this.path);
  }
}

/**
 * One DuckDB instance per file per process, shared by every adapter and counted: two instances
 * on one file do not see each other's catalog. The last release closes it, so that another
 * process (a `loadout query` beside a worker) can open the file between loads.
 */
const instances = new Map<string, { instance: Promise<DuckDBInstance>; users: number }>();

async function acquireInstance(path: string): Promise<DuckDBInstance> {
  let entry = instances.get(path);
  if (entry === undefined) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    entry = { instance: openWithRetry(path), users: 0 };
    instances.set(path, entry);
  }
  entry.users++;
  try {
    return await entry.instance;
  } catch (error) {
    instances.delete(path);
    throw error;
  }
}

function releaseInstance(path: string): void {
  const entry = instances.get(path);
  if (entry === undefined || --entry.users > 0) return;
  instances.delete(path);
  // Closing is best effort: a failure to close must not become an unhandled rejection, which ends the process.
  entry.instance.then((instance) => instance.closeSync()).catch(() => {});
}

/** A DuckDB file has one writer process: another command may hold it for a moment, so wait a little. */
async function openWithRetry(path: string): Promise<DuckDBInstance> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await DuckDBInstance.create(path);
    } catch (error) {
      if (attempt >= 50 || !/lock/i.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** DuckDB's values in the format every warehouse returns (result-values.ts); other values as their text. */
function plainValue(value: DuckDBValue): unknown {
  if (typeof value === 'bigint') return integerValue(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return value.isFinite ? timestampFromMicros(value.micros) : value.toString();
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) return timestampFromMicros(value.millis * 1000n);
  if (value instanceof DuckDBTimestampSecondsValue) return timestampFromMicros(value.seconds * 1_000_000n);
  if (value instanceof DuckDBTimestampNanosecondsValue) return timestampFromMicros(value.nanos / 1000n);
  if (value instanceof DuckDBDecimalValue) return decimalValue(value.toString());
  return value.toString();
}
