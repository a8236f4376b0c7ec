/**
 * The SQL of a load, shared by the dialects: table DDL from declared columns, the ledger, and the
 * merge of a deduplicated staging table into the target in one transaction guarded by the ledger.
 * The statements are plain enough to run unchanged on PostgreSQL, Redshift and DuckDB.
 */
import { createHash } from 'node:crypto';
import type { ColumnType } from '../../../schemas/column-types';
import type { MergePlan, WarehouseColumn } from '../warehouse';
import { columnTypeSql, stagedValueSql, type StagedValues } from './column-type-sql';
import { ident, literal, qualified } from './identifiers';
import { unchangedRowsJoinSql } from './unchanged-rows-sql';
import type { TableDesign } from './redshift-table-sql';

export type TypeNames = Record<ColumnType, string>;

/**
 * The shared ledger of earlier versions: still created and read by every merge's guards (a manifest
 * it holds is never loaded again), never written any more. Each table's merge writes its own ledger
 * (ledgerTableOf), so two tables' merges touch no common table: under Redshift's serializable
 * isolation, and PostgreSQL's SERIALIZABLE, they cannot conflict (docs/operations.md, "Merges").
 */
export const LEDGER_TABLE = 'loadout_ledger';
const LEDGER_PREFIX = `${LEDGER_TABLE}_`;

/** The ledger of one table: `loadout_ledger_{table}`, its end replaced by a hash when over 63 characters. */
export function ledgerTableOf(table: string): string {
  const name = `${LEDGER_PREFIX}${table}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(table).digest('hex').slice(0, 8);
  return `${name.slice(0, 63 - 9)}_${hash}`;
}

/** Whether a table name is a per-table ledger (listed from the catalog by ledger reads). */
export function isTableLedger(name: string): boolean {
  return name.startsWith(LEDGER_PREFIX);
}

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`;
}

/**
 * One row per applied manifest, written in its merge's transaction. "rows" is the count of the
 * deduplicated staging table without the rows the target already held exactly, which the merge
 * inserts whole: the rows it added or changed, reported again by a retried attempt that finds the
 * manifest applied.
 */
export function createLedgerSql(schema: string, table?: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, table === undefined ? LEDGER_TABLE : ledgerTableOf(table))} (
  "manifest_key" VARCHAR(1024) NOT NULL PRIMARY KEY,
  "table_name" VARCHAR(128) NOT NULL,
  "fingerprint" VARCHAR(16) NOT NULL,
  "files" INTEGER NOT NULL,
  "rows" BIGINT NOT NULL,
  "loaded_at" TIMESTAMPTZ NOT NULL
)`;
}

/** `design`: the dialect's physical design (Redshift's keys: sql/redshift-table-sql.ts). */
export function createTableSql(
  schema: string,
  table: string,
  columns: readonly WarehouseColumn[],
  types: TypeNames,
  design: TableDesign = {},
): string {
  const defs = columns.map((c) => `  ${ident(c.name)} ${columnTypeSql(c, types)}${c.nullable ? '' : ' NOT NULL'}`);
  if (design.primaryKey !== undefined) defs.push(`  PRIMARY KEY (${design.primaryKey.map(ident).join(', ')})`);
  const attributes = design.attributes === undefined ? '' : ` ${design.attributes}`;
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (\n${defs.join(',\n')}\n)${attributes}`;
}

/** Added columns are nullable: rows loaded before the column existed have no value for it. */
export function addColumnSql(schema: string, table: string, column: WarehouseColumn, types: TypeNames): string {
  return `ALTER TABLE ${qualified(schema, table)} ADD COLUMN ${ident(column.name)} ${columnTypeSql(column, types)}`;
}

/** An index on the unique key, for engines with indexes (PostgreSQL): the merge's DELETE joins on it. */
export function createKeyIndexSql(schema: string, table: string, uniqueKey: readonly string[]): string {
  return `CREATE INDEX IF NOT EXISTS ${ident(`${table}_loadout_key`.slice(0, 63))} ON ${qualified(schema, table)} (${uniqueKey.map(ident).join(', ')})`;
}

export function stagingTableName(plan: Pick<MergePlan, 'table' | 'fingerprint'>): string {
  return `stg_${plan.table}_${plan.fingerprint}`.slice(0, 63);
}

export function createStagingSql(plan: MergePlan, types: TypeNames): string {
  const defs = plan.fileColumns.map((c) => `${ident(c.name)} ${columnTypeSql(c, types)}`);
  return `CREATE TEMP TABLE ${ident(stagingTableName(plan))} (${defs.join(', ')})`;
}

/**
 * After COPY into the staging table: one row per key, then delete-and-insert into the target and
 * the ledger row, each guarded by "this manifest is not in the ledger", so running the statements
 * again after a lost commit acknowledgement changes nothing. Compound keys join with AND.
 */
export interface MergeSqlOptions {
  /** The transaction's timestamp: CURRENT_TIMESTAMP, but SYSDATE on Redshift, where CURRENT_TIMESTAMP is leader-node-only. */
  now?: string;
  /** How staged values differ from the target's (Redshift's TIMESTAMP staging), converted in the dedup step. */
  staged?: StagedValues;
  /** The dialect joins on IS NOT DISTINCT FROM by hash (DuckDB): sql/unchanged-rows-sql.ts. */
  notDistinct?: boolean;
  /**
   * What the dedup reads instead of the staging table, aliased: DuckDB's read of the staged Parquet
   * itself, so the rows are not first copied into a staging table (docs/benchmarks.md, "The DuckDB merge").
   */
  stagedFrom?: string;
}

export function mergeStatements(plan: MergePlan, options: MergeSqlOptions = {}): string[] {
  const now = options.now ?? 'CURRENT_TIMESTAMP';
  const staging = ident(stagingTableName(plan));
  const unique = ident(`${stagingTableName(plan)}_one`.slice(0, 63));
  const target = qualified(plan.schema, plan.table);
  const ledger = qualified(plan.schema, ledgerTableOf(plan.table));
  const fileCols = plan.fileColumns.map((c) => ident(c.name));
  const keyCols = plan.uniqueKey.map(ident);
  // Lineage: the rows' loaded-at is the transaction's timestamp, the ledger row's loaded_at.
  const loadedAt = plan.loadedAtColumn === undefined ? [] : [ident(plan.loadedAtColumn)];
  const notLoaded = notInLedgersSql(plan);
  // "table"."col", not "schema"."table"."col": the form every dialect accepts in DELETE ... USING.
  const keyJoin = keyCols.map((k) => `${ident(plan.table)}.${k} = ${unique}.${k}`).join(' AND ');
  // Copies of a key in one load are normally identical redeliveries; when they are not, the one
  // kept is the least by every other column (values before NULLs), so the result depends on the
  // rows, not on the order the engine read the files in: a replay gives the same table.
  const tieBreak = plan.fileColumns
    .filter((c) => !plan.uniqueKey.includes(c.name))
    .map((c) => `${ident(c.name)} NULLS LAST`);
  const stagedCols = plan.fileColumns.map((c) => stagedValueSql(c, options.staged));
  // Only rows that add or change something go on: the ledger's "rows" counts them.
  const unchanged = unchangedRowsJoinSql(plan, 'ranked', options.staged, options.notDistinct);
  // Beside the target's columns of the same names, the staged ones are named by their table.
  const selected =
    unchanged === undefined ? stagedCols : plan.fileColumns.map((c) => stagedValueSql(c, options.staged, '"ranked"'));
  return [
    `CREATE TEMP TABLE ${unique} AS SELECT ${selected.join(', ')} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${keyCols.join(', ')} ORDER BY ${(tieBreak.length > 0 ? tieBreak : keyCols).join(', ')}) AS "loadout_rn" FROM ${options.stagedFrom ?? staging}) AS "ranked"${unchanged === undefined ? '' : ` ${unchanged.join}`} WHERE "loadout_rn" = 1${unchanged === undefined ? '' : ` AND ${unchanged.unmatched}`}`,
    `DELETE FROM ${target} USING ${unique} WHERE ${keyJoin} AND ${notLoaded}`,
    `INSERT INTO ${target} (${[...fileCols, ...loadedAt].join(', ')}) SELECT ${[...fileCols, ...loadedAt.map(() => now)].join(', ')} FROM ${unique} WHERE ${notLoaded}`,
    `INSERT INTO ${ledger} ("manifest_key", "table_name", "fingerprint", "files", "rows", "loaded_at") SELECT ${literal(plan.manifestKey)}, ${literal(plan.table)}, ${literal(plan.fingerprint)}, ${plan.files.length}, (SELECT COUNT(*) FROM ${unique}), ${now} WHERE ${notLoaded}`,
  ];
}

export function dropStagingStatements(plan: MergePlan): string[] {
  return [
    `DROP TABLE IF EXISTS ${ident(`${stagingTableName(plan)}_one`.slice(0, 63))}`,
    `DROP TABLE IF EXISTS ${ident(stagingTableName(plan))}`,
  ];
}

/** "Neither the table's ledger nor the shared one of earlier versions holds this manifest." */
export function notInLedgersSql(plan: Pick<MergePlan, 'schema' | 'table' | 'manifestKey'>): string {
  const key = literal(plan.manifestKey);
  return [ledgerTableOf(plan.table), LEDGER_TABLE]
    .map((t) => `NOT EXISTS (SELECT 1 FROM ${qualified(plan.schema, t)} WHERE "manifest_key" = ${key})`)
    .join(' AND ');
}

/** The rows recorded for a manifest ($1) in the table's ledger or the shared one: no row when not loaded. */
export function ledgerRowsSql(schema: string, table: string): string {
  return [ledgerTableOf(table), LEDGER_TABLE]
    .map((t) => `SELECT "rows" FROM ${qualified(schema, t)} WHERE "manifest_key" = $1`)
    .join(' UNION ALL ');
}

/** The per-table ledgers in a schema ($1), from the catalog: ledger reads union them. */
export function ledgerTablesSql(): string {
  return `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND LEFT(table_name, ${LEDGER_PREFIX.length}) = '${LEDGER_PREFIX}' ORDER BY table_name`;
}

/**
 * The ledger rows of a schema (or of one table, $1): the shared ledger and the per-table ledgers
 * given (those that exist, from ledgerTablesSql), as one union.
 */
export function ledgerQuerySql(schema: string, byTable: boolean, tableLedgers: readonly string[] = []): string {
  const columns = `"manifest_key", "table_name", "fingerprint", "files", "rows", "loaded_at"`;
  const where = byTable ? ' WHERE "table_name" = $1' : '';
  const parts = [LEDGER_TABLE, ...tableLedgers.filter(isTableLedger)].map(
    (t) => `SELECT ${columns} FROM ${qualified(schema, t)}${where}`,
  );
  return `SELECT ${columns} FROM (${parts.join(' UNION ALL ')}) AS "ledger" ORDER BY "loaded_at", "manifest_key"`;
}
