/**
 * PostgreSQL as the warehouse. PostgreSQL cannot read Parquet, so merge() reads the staged files
 * itself (hyparquet, one row group at a time) and streams them as CSV into the staging table with
 * COPY FROM STDIN, then runs the shared merge SQL, all in one transaction on one connection.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { uncompressSync } from 'snappy';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ColumnType } from '../../schemas/column-types';
import { ident, qualified } from './sql/identifiers';
import {
  createLedgerSql, createSchemaSql, createStagingSql, dropStagingStatements, ledgerQuerySql, mergeStatements, stagingTableName,
  LEDGER_TABLE, type TypeNames,
} from './sql/merge-sql';
import type { ExistingColumn, LedgerEntry, MergeOutcome, MergePlan, StagedFile, Warehouse, WarehouseColumn } from './warehouse';

export const POSTGRES_TYPES: TypeNames = {
  string: 'TEXT', json: 'TEXT', int64: 'BIGINT', double: 'DOUBLE PRECISION', boolean: 'BOOLEAN', timestamp: 'TIMESTAMPTZ',
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
  /** Rows per chunk written to the COPY stream; default 5,000. */
  copyChunkRows?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30 * 60_000;

// Type OIDs whose default node-postgres parsing loses information or is not JSON-friendly.
const INT8 = 20, NUMERIC = 1700, TIMESTAMPTZ = 1184, TIMESTAMP = 1114, DATE = 1082;

/**
 * Query results as plain JSON values, like DuckDB's row objects: BIGINT as a number when it is a
 * safe integer (else its decimal text), timestamps as ISO-8601 text keeping the microseconds
 * (a Date would drop them), dates as YYYY-MM-DD text.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case INT8:
        return (text: string) => {
          const n = Number(text);
          return Number.isSafeInteger(n) ? n : text;
        };
      case NUMERIC:
        return (text: string) => {
          const n = Number(text);
          return Number.isFinite(n) && (Number.isSafeInteger(n) || !/^-?\d+$/.test(text)) ? n : text;
        };
      case TIMESTAMPTZ:
        return isoTimestamp;
      case TIMESTAMP:
        return (text: string) => text.replace(' ', 'T');
      case DATE:
        return (text: string) => text;
      default:
        return pg.types.getTypeParser(oid, 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** `2026-11-22 10:05:00.123456+00` (the session runs in UTC) to `2026-11-22T10:05:00.123456Z`. */
function isoTimestamp(text: string): string {
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d(:\d\d(:\d\d)?)?$/.test(text)) return text;
  const t = text.replace(' ', 'T');
  return t.endsWith('+00') ? `${t.slice(0, -3)}Z` : t.replace(/([+-]\d\d)$/, '$1:00');
}

export class PostgresWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly statementTimeoutMs: number;
  private readonly copyChunkRows: number;

  constructor(readonly url: string, options: PostgresWarehouseOptions = {}) {
    this.statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    this.copyChunkRows = options.copyChunkRows ?? 5_000;
    this.pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4, types: TYPES });
    // An idle connection the server drops must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
    // Timestamps print (and report queries group) in UTC, whatever the server's or host's zone.
    this.pool.on('connect', (client) => {
      client.query("SET TIME ZONE 'UTC'").catch(() => {});
    });
  }

  async ensureLedger(schema: string): Promise<void> {
    // Two first loads at once can race in CREATE ... IF NOT EXISTS (a unique violation in the
    // catalog): the loser's second attempt then finds what the winner created.
    await retryCatalogRace(async () => {
      await this.pool.query(createSchemaSql(schema));
      await this.pool.query(createLedgerSql(schema));
    });
  }

  async describeTable(schema: string, table: string): Promise<ExistingColumn[] | undefined> {
    const { rows } = await this.pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [schema, table],
    );
    if (rows.length === 0) return undefined;
    return rows.map((r) => {
      const warehouseType = r.data_type.toLowerCase();
      const type = FROM_POSTGRES[warehouseType];
      return { name: r.column_name, warehouseType, ...(type ? { type } : {}), nullable: r.is_nullable === 'YES' };
    });
  }

  async runDdl(statements: readonly string[]): Promise<void> {
    // Each statement on its own, autocommitted, on one connection, in order.
    const client = await this.pool.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      client.release();
    }
  }

  async merge(plan: MergePlan): Promise<MergeOutcome> {
    const ledger = qualified(plan.schema, LEDGER_TABLE);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(this.statementTimeoutMs))}`);
        // One load of a table at a time, whatever the orchestration does: a second merge of the
        // same table waits here until the first commits, then sees its ledger row.
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`loadout:${plan.schema}.${plan.table}`]);
        const seen = await client.query(`SELECT 1 FROM ${ledger} WHERE "manifest_key" = $1`, [plan.manifestKey]);
        if ((seen.rowCount ?? 0) > 0) {
          await client.query('ROLLBACK');
          return { applied: false, stagedRows: 0, mergedRows: 0 };
        }
        await client.query(createStagingSql(plan, POSTGRES_TYPES));
        const staging = ident(stagingTableName(plan));
        const columns = plan.fileColumns.map((c) => ident(c.name)).join(', ');
        const copy = client.query(copyStreams.from(`COPY ${staging} (${columns}) FROM STDIN (FORMAT csv)`));
        await pipeline(Readable.from(csvChunks(plan, this.copyChunkRows)), copy);

        const [dedup, ...rest] = mergeStatements(plan);
        await client.query(dedup!);
        // Temp tables are never analysed by autovacuum: give the planner the deduplicated row count.
        const unique = ident(`${stagingTableName(plan)}_one`.slice(0, 63));
        await client.query(`ANALYZE ${unique}`);
        const results: pg.QueryResult[] = [];
        for (const sql of rest) results.push(await client.query(sql));
        const insert = results[results.length - 2];
        const ledgerInsert = results[results.length - 1];
        const applied = (ledgerInsert?.rowCount ?? 0) === 1;
        const counts = await client.query<{ staged: number }>(`SELECT count(*) AS staged FROM ${unique}`);
        // The staging tables are plain TEMP tables (the shared SQL has no ON COMMIT DROP), and this
        // connection goes back to the pool: drop them before COMMIT, so a rollback undoes both.
        for (const sql of dropStagingStatements(plan)) await client.query(sql);
        if (!applied) {
          // Guarded statements found the manifest already loaded: nothing changed; say so.
          await client.query('ROLLBACK');
          return { applied: false, stagedRows: 0, mergedRows: 0 };
        }
        await client.query('COMMIT');
        return { applied: true, stagedRows: Number(counts.rows[0]!.staged), mergedRows: insert?.rowCount ?? 0 };
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => { broken = rollbackError; });
        throw error;
      }
    } catch (error) {
      // A connection that failed mid-COPY or could not roll back is discarded, not reused.
      broken ??= error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ledger(schema: string, table?: string): Promise<LedgerEntry[]> {
    const rows = await this.query(ledgerQuerySql(schema, table !== undefined), table !== undefined ? [table] : []);
    return rows.map((r) => ({
      manifestKey: String(r.manifest_key), table: String(r.table_name), fingerprint: String(r.fingerprint),
      files: Number(r.files), rows: Number(r.rows), loadedAt: new Date(String(r.loaded_at)),
    }));
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
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

/** The staged files as CSV text, a chunk of rows at a time, one row group of one file in memory. */
async function* csvChunks(plan: MergePlan, chunkRows: number): AsyncGenerator<string> {
  const names = plan.fileColumns.map((c) => c.name);
  const formatters = plan.fileColumns.map(formatterFor);
  for (const staged of plan.files) {
    const file = await asyncBufferFromFile(staged.url);
    const metadata = await parquetMetadataAsync(file);
    checkFileColumns(staged, plan.fileColumns, parquetSchema(metadata).children.map((c) => c.element.name));
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      if (groupRows === 0) continue;
      let rows: unknown[][] = [];
      await parquetRead({
        file,
        metadata,
        columns: names,
        rowStart: groupStart,
        rowEnd: groupStart + groupRows,
        // INT64 TIMESTAMP(MICROS) as the raw bigint: a Date would keep milliseconds only.
        parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
        compressors: { SNAPPY: nativeSnappy },
        onComplete: (r: unknown[][]) => { rows = r; },
      });
      groupStart += groupRows;
      for (let start = 0; start < rows.length; start += chunkRows) {
        const end = Math.min(rows.length, start + chunkRows);
        let out = '';
        for (let i = start; i < end; i++) {
          const row = rows[i]!;
          for (let c = 0; c < formatters.length; c++) {
            if (c > 0) out += ',';
            const v = row[c];
            // CSV NULL is an unquoted empty field; every non-NULL string is quoted, so '' is "".
            if (v !== null && v !== undefined) out += formatters[c]!(v, staged, i);
          }
          out += '\n';
        }
        yield out;
      }
    }
  }
}

function checkFileColumns(staged: StagedFile, expected: readonly WarehouseColumn[], actual: string[]): void {
  const want = expected.map((c) => c.name);
  if (want.length !== actual.length || want.some((n, i) => n !== actual[i])) {
    throw new Error(`staged file ${staged.key} has columns (${actual.join(', ')}), the plan expects (${want.join(', ')})`);
  }
}

type Formatter = (value: unknown, file: StagedFile, row: number) => string;

function formatterFor(column: WarehouseColumn): Formatter {
  switch (column.type) {
    case 'string':
    case 'json':
      return (v, file) => {
        const s = v as string;
        if (s.includes('\u0000')) {
          throw new Error(`staged file ${file.key}, column ${column.name}: PostgreSQL text cannot hold the NUL character (\\u0000)`);
        }
        return s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`;
      };
    case 'int64':
      return (v) => String(v);
    case 'double':
      // Shortest round-trip text; NaN, Infinity and -Infinity are PostgreSQL's spellings too.
      return (v) => (Object.is(v, -0) ? '-0' : String(v));
    case 'boolean':
      return (v) => (v ? 'true' : 'false');
    case 'timestamp':
      return (v) => microsToIso(v as bigint | number);
  }
}

/** UTC microseconds since the epoch to `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function microsToIso(micros: bigint | number): string {
  const us = typeof micros === 'bigint' ? micros : BigInt(micros);
  let ms = us / 1000n;
  let rest = us % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/** Native snappy (the package the writer compresses with): hyparquet's JavaScript one is slower. */
function nativeSnappy(input: Uint8Array, outputLength: number): Uint8Array {
  const out = uncompressSync(input) as Buffer;
  if (out.length !== outputLength) throw new Error(`snappy: expected ${outputLength} bytes, got ${out.length}`);
  return out;
}
