/** The Warehouse port: what loading needs of DuckDB, PostgreSQL or Redshift, and nothing more. */
import type { ColumnType } from '../../schemas/column-types';
import type { TypeNames } from './sql/merge-sql';

export interface WarehouseColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** Text columns: the most UTF-8 bytes a value holds (OutputColumn.maxBytes); absent: MAX_TEXT_BYTES. */
  maxBytes?: number;
}

/** A column as the warehouse reports it, in its own type names. */
export interface ExistingColumn {
  name: string;
  /** The dialect's type name, lower-case (e.g. 'bigint', 'character varying', 'timestamp with time zone'). */
  warehouseType: string;
  /** The Loadout type it maps back to, when it maps to one. */
  type?: ColumnType;
  nullable: boolean;
  /** A sized text column's length in bytes (Redshift's VARCHAR(n)); absent for unsized text and other types. */
  maxBytes?: number;
}

export interface StagedFile {
  /** Where the warehouse reads it: a local path (DuckDB, PostgreSQL) or s3:// URL (Redshift). */
  url: string;
  /** The object key in the lake, for archiving and the manifest. */
  key: string;
  bytes: number;
}

/** One COPY-and-merge of the staged files of one (table, fingerprint) pair. */
export interface MergePlan {
  /** Warehouse schema holding the tables and the ledger (validated identifier). */
  schema: string;
  table: string;
  /** Target table columns, in declared order (the table may have more, never fewer). */
  targetColumns: readonly WarehouseColumn[];
  /** The staged files' columns, in file order: Parquet COPY maps by position. */
  fileColumns: readonly WarehouseColumn[];
  fingerprint: string;
  uniqueKey: readonly string[];
  files: readonly StagedFile[];
  /** The manifest object key: the ledger's key, so a manifest is loaded at most once. */
  manifestKey: string;
  /** The manifest's URL for a COPY ... MANIFEST (Redshift); other dialects read `files`. */
  manifestUrl: string;
  /** A target column the merge sets to its transaction's timestamp (`_loadout_loaded_at`), if any. */
  loadedAtColumn?: string;
}

export interface MergeOutcome {
  /** False when the ledger already held the manifest: this call changed nothing. */
  applied: boolean;
  /** Rows left after in-load dedup and after dropping rows the table already holds exactly (0 when the adapter stopped at the ledger check). */
  stagedRows: number;
  /**
   * Rows of the target table added or changed by the manifest's merge (a row the table already held
   * exactly is left as it is and not counted). When the ledger already
   * held the manifest, the rows its ledger row recorded: an attempt that committed and was killed
   * before reporting is then reported by its retry.
   */
  mergedRows: number;
}

export interface MergeOptions {
  /** Called while a long statement runs (Redshift polls), so an activity can heartbeat. */
  onPoll?: (info: unknown) => void;
}

export interface LedgerEntry {
  manifestKey: string;
  table: string;
  fingerprint: string;
  files: number;
  rows: number;
  loadedAt: Date;
}

export interface Warehouse {
  readonly dialect: 'duckdb' | 'postgres' | 'redshift';
  /** The dialect's column types for Loadout's, used by all DDL built for this warehouse. */
  readonly types: TypeNames;
  /** Creates the schema and the ledger table if missing (idempotent). */
  ensureLedger(schema: string): Promise<void>;
  /** The table's columns, or undefined when it does not exist. */
  describeTable(schema: string, table: string): Promise<ExistingColumn[] | undefined>;
  /** Runs DDL statements one by one, outside any transaction (Redshift cannot ALTER TYPE inside one). */
  runDdl(statements: readonly string[]): Promise<void>;
  /**
   * Runs statements in ONE transaction, all or nothing: a table rebuild (create, insert-select,
   * drop, rename) is seen by readers before or after, never halfway.
   */
  runTransaction(statements: readonly string[]): Promise<void>;
  /**
   * COPY into a staging table shaped like the files, dedup it by key, then in ONE transaction:
   * check the ledger, delete-and-insert into the target on the key, write the ledger row.
   */
  merge(plan: MergePlan, options?: MergeOptions): Promise<MergeOutcome>;
  ledger(schema: string, table?: string): Promise<LedgerEntry[]>;
  /**
   * One DELETE (erasure), values only as parameters: its own transaction, autocommitted. Returns
   * the rows it deleted.
   */
  deleteRows(sql: string, params: readonly unknown[]): Promise<number>;
  /** Read-only queries for reports and `loadout query`; values only as parameters. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
