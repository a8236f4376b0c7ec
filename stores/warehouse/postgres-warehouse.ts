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
import { createPool, operationFailed } from './pg-pool';
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

/**
 * `2026-11-22 10:05:00.123456+00` (the session runs in UTC) to `2026-11-22T10:05:00.123456Z`,
 * always with six fractional digits, so that the text sorts as the time does.
 */
function isoTimestamp(text: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?([+-]\d\d)(?::(\d\d))?$/.exec(text);
  if (!m) return text; // infinity, BC dates, second-level offsets: as PostgreSQL wrote them
  const fraction = (m[3] ?? '').padEnd(6, '0');
  const zone = m[4] === '+00' && (m[5] === undefined || m[5] === '00') ? 'Z' : `${m[4]}:${m[5] ?? '00'}`;
  return `${m[1]}T${m[2]}.${fraction}${zone}`;
}

export class PostgresWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  readonly types = POSTGRES_TYPES;
  private readonly pool: pg.Pool;
  private readonly statementTimeoutMs: number;
  private readonly copyChunkRows: number;
  private readonly copyFormat: 'binary' | 'csv';
  private readonly workMem: string;
  private readonly onStep: NonNullable<PostgresWarehouseOptions['onStep']>;

  constructor(readonly url: string, options: PostgresWarehouseOptions = {}) {
    this.statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    this.copyChunkRows = options.copyChunkRows ?? 5_000;
    this.copyFormat = options.copyFormat ?? 'binary';
    this.workMem = options.workMem ?? '256MB';
    if (!/^\d+\s*(kB|MB|GB)?$/.test(this.workMem)) throw new Error(`workMem ${JSON.stringify(this.workMem)} is not a PostgreSQL memory size such as 256MB`);
    this.onStep = options.onStep ?? (() => {});
    // A connection the server drops fails the statement it was running, never the process.
    this.pool = createPool({ connectionString: withUtcSession(url), max: options.maxConnections ?? 4, types: TYPES });
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
    const { rows } = await this.pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [schema, table],
    ).catch((error: unknown) => {
      throw operationFailed(`describing table ${schema}.${table}`, error);
    });
    if (rows.length === 0) return undefined;
    return rows.map((r) => {
      const warehouseType = r.data_type.toLowerCase();
      const type = FROM_POSTGRES[warehouseType];
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
          broken = operationFailed(`DDL statement ${i + 1} of ${statements.length} (${statementHead(sql)})`, error, client);
          throw broken;
        }
      }
    } finally {
      // A failed statement may have left the connection broken: close it rather than pool it.
      client.release(broken);
    }
  }

  async merge(plan: MergePlan): Promise<MergeOutcome> {
    const ledger = qualified(plan.schema, LEDGER_TABLE);
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
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`loadout:${plan.schema}.${plan.table}`]);
        stage = 'ledger check';
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
        const copy = client.query(copyStreams.from(`COPY ${staging} (${columns}) FROM STDIN (FORMAT ${this.copyFormat})`));
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
    const rows = await this.select('reading the ledger', ledgerQuerySql(schema, table !== undefined), table !== undefined ? [table] : []);
    return rows.map((r) => ({
      manifestKey: String(r.manifest_key), table: String(r.table_name), fingerprint: String(r.fingerprint),
      files: Number(r.files), rows: Number(r.rows), loadedAt: new Date(String(r.loaded_at)),
    }));
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.select('query', sql, params);
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
 * Every session runs in UTC, so timestamps print (and reports group by day) the same whatever the
 * server's or host's zone: `-c TimeZone=UTC` added to the URL's own `options` (the URL's query
 * parameters override node-postgres' config object, so it has to go into the URL).
 */
function withUtcSession(url: string): string {
  try {
    const parsed = new URL(url);
    const given = parsed.searchParams.get('options');
    parsed.searchParams.set('options', [given, '-c TimeZone=UTC'].filter(Boolean).join(' '));
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * The rows the ledger recorded for a manifest (the deduplicated rows its merge inserted, which is
 * every row it merged), or undefined when the manifest is not in the ledger.
 */
async function ledgerRows(client: pg.PoolClient, ledger: string, manifestKey: string): Promise<number | undefined> {
  const { rows } = await client.query<{ rows: number | string }>(`SELECT "rows" FROM ${ledger} WHERE "manifest_key" = $1`, [manifestKey]);
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

interface RowGroup {
  staged: StagedFile;
  rows: number;
  /** One array per plan.fileColumns entry. */
  columns: Values[];
}

/** The staged files' row groups in plan order, one row group of one file in memory at a time. */
async function* stagedRowGroups(plan: MergePlan, rawStrings: boolean): AsyncGenerator<RowGroup> {
  const names = plan.fileColumns.map((c) => c.name);
  for (const staged of plan.files) {
    const file = await asyncBufferFromFile(staged.url);
    const metadata = await parquetMetadataAsync(file);
    checkFileColumns(staged, plan.fileColumns, parquetSchema(metadata).children.map((c) => c.element.name));
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      if (rows === 0) continue;
      const columns = await readRowGroup(file, metadata, names, groupStart, rows, staged, rawStrings);
      groupStart += rows;
      yield { staged, rows, columns };
    }
  }
}

/** The staged files as CSV text (COPY ... (FORMAT csv)), `chunkRows` rows a chunk. */
export async function* csvChunks(plan: MergePlan, chunkRows: number): AsyncGenerator<string> {
  const formatters = plan.fileColumns.map(formatterFor);
  const width = formatters.length;
  for await (const { staged, rows, columns } of stagedRowGroups(plan, false)) {
    for (let start = 0; start < rows; start += chunkRows) {
      const end = Math.min(rows, start + chunkRows);
      let out = '';
      for (let i = start; i < end; i++) {
        for (let c = 0; c < width; c++) {
          if (c > 0) out += ',';
          const v = columns[c]![i];
          // CSV NULL is an unquoted empty field; every non-NULL string is quoted, so '' is "".
          if (v !== null && v !== undefined) out += formatters[c]!(v, staged);
        }
        out += '\n';
      }
      yield out;
    }
  }
}

const PG_EPOCH_MICROS = 946_684_800_000_000; // 2000-01-01T00:00:00Z, PostgreSQL's timestamp zero
const TWO_32 = 4_294_967_296;
const BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);

/**
 * The staged files in PostgreSQL's binary COPY format (COPY ... (FORMAT binary)), in buffers of
 * about `chunkBytes`: per row a 16-bit field count, per field a 32-bit length (-1 for NULL) and
 * the value in the type's binary send format (int8, float8, bool, text bytes, and timestamptz as
 * int64 microseconds since 2000-01-01 UTC). Strings are copied as the UTF-8 bytes the Parquet
 * file holds, never decoded to JavaScript strings; numbers and timestamps need no text at all.
 * Integers go through doubles when they fit 53 bits (no BigInt allocation per value).
 */
export async function* binaryChunks(plan: MergePlan, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  const types = plan.fileColumns.map((c) => c.type);
  const width = types.length;
  const textColumns = types.flatMap((t, c) => (t === 'string' || t === 'json' ? [c] : []));
  const fixedBytes = 2 + width * 12;
  let buf = Buffer.allocUnsafe(chunkBytes);
  BINARY_HEADER.copy(buf, 0);
  let at = BINARY_HEADER.length;

  for await (const { staged, rows, columns } of stagedRowGroups(plan, true)) {
    for (let i = 0; i < rows; i++) {
      // Make room for the whole row first: fixed-width fields plus its strings.
      let need = fixedBytes;
      for (const c of textColumns) {
        const v = columns[c]![i] as Uint8Array | string | null | undefined;
        if (v !== null && v !== undefined) need += typeof v === 'string' ? v.length * 3 : v.length;
      }
      if (at + need > buf.length) {
        if (at > 0) yield buf.subarray(0, at);
        buf = Buffer.allocUnsafe(Math.max(chunkBytes, need));
        at = 0;
      }
      buf[at] = width >>> 8; buf[at + 1] = width; at += 2;
      for (let c = 0; c < width; c++) {
        const v = columns[c]![i];
        if (v === null || v === undefined) {
          at = putInt32(buf, at, -1);
          continue;
        }
        switch (types[c]!) {
          case 'string':
          case 'json': {
            const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Uint8Array);
            const n = bytes.length;
            if (bytes.indexOf(0) !== -1) throw nulError(staged, plan.fileColumns[c]!.name);
            at = putInt32(buf, at, n);
            if (n < 64) for (let k = 0; k < n; k++) buf[at + k] = bytes[k]!;
            else buf.set(bytes, at);
            at += n;
            break;
          }
          case 'int64':
            at = putInt32(buf, at, 8);
            at = putInt64(buf, at, v as bigint | number);
            break;
          case 'double':
            at = putInt32(buf, at, 8);
            at = buf.writeDoubleBE(v as number, at);
            break;
          case 'boolean':
            at = putInt32(buf, at, 1);
            buf[at++] = v ? 1 : 0;
            break;
          case 'timestamp': {
            at = putInt32(buf, at, 8);
            const us = Number(v as bigint | number) - PG_EPOCH_MICROS;
            at = Number.isSafeInteger(us) ? putSafeInt64(buf, at, us) : buf.writeBigInt64BE(BigInt(v as bigint | number) - BigInt(PG_EPOCH_MICROS), at);
            break;
          }
        }
      }
    }
  }
  if (at + 2 > buf.length) {
    yield buf.subarray(0, at);
    buf = Buffer.allocUnsafe(2);
    at = 0;
  }
  buf[at] = 0xff; buf[at + 1] = 0xff; at += 2;
  yield buf.subarray(0, at);
}

function putInt32(buf: Buffer, at: number, v: number): number {
  buf[at] = v >>> 24;
  buf[at + 1] = v >>> 16;
  buf[at + 2] = v >>> 8;
  buf[at + 3] = v;
  return at + 4;
}

/** A signed 64-bit integer held exactly by a double (|v| < 2^53), without a BigInt. */
function putSafeInt64(buf: Buffer, at: number, v: number): number {
  const hi = Math.floor(v / TWO_32);
  return putInt32(buf, putInt32(buf, at, hi | 0), v - hi * TWO_32);
}

function putInt64(buf: Buffer, at: number, v: bigint | number): number {
  const n = Number(v);
  return Number.isSafeInteger(n) ? putSafeInt64(buf, at, n) : buf.writeBigInt64BE(BigInt(v), at);
}

function nulError(staged: StagedFile, column: string): Error {
  return new Error(`staged file ${staged.key}, column ${column}: PostgreSQL text cannot hold the NUL character (\\u0000)`);
}

type Values = ArrayLike<unknown>;

/**
 * One row group, column by column (hyparquet's row assembly would build an array per row only for
 * us to take it apart again). Columns arrive as page-sized chunks; one chunk is used as it is.
 */
async function readRowGroup(
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>, metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>,
  names: string[], groupStart: number, groupRows: number, staged: StagedFile, rawStrings: boolean,
): Promise<Values[]> {
  const chunks = new Map<string, { rowStart: number; data: Values }[]>(names.map((n) => [n, []]));
  await parquetRead({
    file,
    metadata,
    columns: names,
    rowStart: groupStart,
    rowEnd: groupStart + groupRows,
    // INT64 TIMESTAMP(MICROS) as the raw bigint: a Date would keep milliseconds only.
    parsers: {
      timestampFromMicroseconds: (micros: bigint) => micros,
      // For binary COPY, UTF-8 strings stay the bytes they are in the file.
      ...(rawStrings ? { stringFromBytes: (bytes: Uint8Array) => bytes } : {}),
    },
    compressors: { SNAPPY: nativeSnappy },
    onChunk: (chunk) => chunks.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData as Values }),
  });
  return names.map((name) => {
    const parts = chunks.get(name)!.sort((a, b) => a.rowStart - b.rowStart);
    if (parts.length === 1 && parts[0]!.rowStart === groupStart && parts[0]!.data.length === groupRows) return parts[0]!.data;
    const values = new Array<unknown>(groupRows);
    let filled = 0;
    for (const part of parts) {
      for (let i = 0; i < part.data.length; i++) {
        const at = part.rowStart - groupStart + i;
        if (at >= 0 && at < groupRows) { values[at] = part.data[i]; filled++; }
      }
    }
    if (filled !== groupRows) {
      throw new Error(`staged file ${staged.key}: column ${name} has ${filled} values in a row group of ${groupRows} rows`);
    }
    return values;
  });
}

function checkFileColumns(staged: StagedFile, expected: readonly WarehouseColumn[], actual: string[]): void {
  const want = expected.map((c) => c.name);
  if (want.length !== actual.length || want.some((n, i) => n !== actual[i])) {
    throw new Error(`staged file ${staged.key} has columns (${actual.join(', ')}), the plan expects (${want.join(', ')})`);
  }
}

type Formatter = (value: unknown, file: StagedFile) => string;

function formatterFor(column: WarehouseColumn): Formatter {
  switch (column.type) {
    case 'string':
    case 'json':
      return (v, file) => {
        const s = v as string;
        if (s.includes('\u0000')) throw nulError(file, column.name);
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

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = Number.NaN;
let cachedDayText = '';

/**
 * UTC microseconds since the epoch to `YYYY-MM-DDTHH:MM:SS.ffffffZ`. It runs for every timestamp
 * of every loaded row, so the date part is cached per day and the rest is arithmetic: a Date and
 * toISOString per value was half of the CSV formatting time.
 */
export function microsToIso(micros: bigint | number): string {
  const us = typeof micros === 'bigint' ? Number(micros) : micros;
  // Doubles hold integers exactly up to 2^53 µs (year 2255); beyond that, or before year 1, exact BigInt arithmetic.
  if (!Number.isSafeInteger(us) || us < -62_135_596_800_000_000) return microsToIsoExact(BigInt(micros));
  let sec = Math.floor(us / 1e6);
  let fraction = us - sec * 1e6;
  if (fraction < 0) { sec -= 1; fraction += 1e6; } else if (fraction >= 1e6) { sec += 1; fraction -= 1e6; }
  const day = Math.floor(sec / 86_400);
  let time = sec - day * 86_400;
  if (day !== cachedDay) {
    cachedDayText = new Date(day * 86_400_000).toISOString().slice(0, 11);
    cachedDay = day;
  }
  const hours = Math.floor(time / 3600);
  time -= hours * 3600;
  const minutes = Math.floor(time / 60);
  return `${cachedDayText}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[time - minutes * 60]}.${String(fraction + 1e6).slice(1)}Z`;
}

function microsToIsoExact(us: bigint): string {
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
