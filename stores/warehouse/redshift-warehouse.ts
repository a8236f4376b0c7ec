/**
 * The Warehouse port on Amazon Redshift through the Redshift Data API: no driver, no connection,
 * each statement submitted over HTTPS and polled until it finishes.
 *
 * Warehouse URLs and their parameters: see redshift-url.ts.
 *
 * A merge is ONE BatchExecuteStatement (the Data API runs a batch as one transaction in one session,
 * so the TEMP staging tables live across its statements): the session's time zone, the table's
 * ledger if missing, create staging, COPY, the shared merge statements, a SELECT reporting the
 * outcome, drop staging. Its ClientToken derives from the manifest key, so re-sending it after a lost
 * response returns the same statement instead of running twice; a serialization failure (ERROR 1023)
 * is retried with the next token, since the same token would return the same failed statement.
 *
 * Queries run in one Data API session of this adapter whose time zone was set to UTC first (session
 * reuse: SessionKeepAliveSeconds, then SessionId), so KPI views and timestamps read as UTC whatever
 * the user's or database's default. DDL needs no session: a view keeps its text, not the zone.
 */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  RedshiftDataClient,
  type DescribeStatementResponse,
} from '@aws-sdk/client-redshift-data';
import type { ColumnType } from '../../schemas/column-types';
import {
  createLedgerSql,
  createSchemaSql,
  createStagingSql,
  dropStagingStatements,
  mergeStatements,
  type TypeNames,
} from './sql/merge-sql';
import { mergeOutcomeSql, redshiftCopySql, REDSHIFT_NOW } from './sql/redshift-copy-sql';
import { resultRows, toDataApiParameters } from './redshift-data-api-values';
import {
  isSerializationFailure,
  RedshiftStatementError,
  RedshiftStatementTimeoutError,
  statementError,
  statementHead,
} from './redshift-statement-errors';
import { readLedger } from './ledger-read';
import {
  MAX_TOKEN_GENERATIONS,
  mergeClientToken,
  serializationBackoffMs,
  SESSION_KEEP_ALIVE_SECONDS,
  UTC_SESSION_SQL,
} from './redshift-statement-retry';

export { mergeClientToken, UTC_SESSION_SQL } from './redshift-statement-retry';
import { parseRedshiftUrl, RedshiftConfig, type RedshiftConfigInput } from './redshift-url';
import type { ExistingColumn, LedgerEntry, MergeOutcome, MergePlan, Warehouse } from './warehouse';

/**
 * Text is VARCHAR in bytes, each column cut to its byte bound by columnTypeSql (a uuid VARCHAR(36),
 * JSON text the largest, 65,535): the core rejects any value over its bound, so no load fails on length.
 */
export const REDSHIFT_TYPES: TypeNames = {
  string: 'VARCHAR(65535)',
  json: 'VARCHAR(65535)',
  int64: 'BIGINT',
  double: 'DOUBLE PRECISION',
  decimal: 'DECIMAL(18,4)',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/**
 * The staging table's types: only the Parquet -> Redshift pairs AWS documents for COPY
 * (stores/warehouse/redshift-parquet-types.ts): timestamps land in TIMESTAMP, holding UTC, and the
 * merge converts them into the target's TIMESTAMPTZ (mergeStatements, `staged`).
 */
export const REDSHIFT_STAGING_TYPES: TypeNames = { ...REDSHIFT_TYPES, timestamp: 'TIMESTAMP' };

// ---------------------------------------------------------------------------------------------
// Statements of a merge

export interface RedshiftMergeBatch {
  /** The Sqls of the BatchExecuteStatement, in order. */
  sqls: string[];
  /** Index of the COPY in sqls. */
  copyIndex: number;
  /** Index of the outcome SELECT in sqls; its sub-statement id is `${batchId}:${outcomeIndex + 1}`. */
  outcomeIndex: number;
}

export function redshiftMergeBatch(plan: MergePlan, iamRole: string): RedshiftMergeBatch {
  // CURRENT_TIMESTAMP is leader-node-only on Redshift and fails beside user tables; SYSDATE is the transaction start.
  const merge = mergeStatements(plan, { now: REDSHIFT_NOW, staged: { timestampsWithoutZone: true } });
  const sqls = [
    UTC_SESSION_SQL,
    createLedgerSql(plan.schema, plan.table),
    createStagingSql(plan, REDSHIFT_STAGING_TYPES),
    redshiftCopySql(plan, iamRole),
    ...merge,
    mergeOutcomeSql(plan),
    ...dropStagingStatements(plan),
  ];
  return { sqls, copyIndex: 3, outcomeIndex: 4 + merge.length };
}

const FROM_REDSHIFT: Record<string, ColumnType> = {
  bigint: 'int64',
  'double precision': 'double',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamp',
};

// ---------------------------------------------------------------------------------------------
// The adapter

export interface PollInfo {
  statementId: string;
  status: string;
  /** Polls so far for this statement, 1 on the first. */
  polls: number;
  elapsedMs: number;
}

export interface RedshiftWarehouseOptions {
  /** Defaults to a client for config.region (else the SDK's region chain) and the SDK's credential chain. */
  client?: RedshiftDataClient;
  /** Called on every poll of every statement (an activity passes its heartbeat). */
  onPoll?: (info: PollInfo) => void;
  /** For tests: how to wait and what time it is. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** For tests: the backoff's jitter, in [0, 1). */
  random?: () => number;
}

/** A statement answered by an earlier attempt is older than this at submission; younger ones are ours. */
const LEFTOVER_AGE_MS = 60_000;

export class RedshiftWarehouse implements Warehouse {
  readonly dialect = 'redshift' as const;
  readonly types = REDSHIFT_TYPES;
  readonly config: RedshiftConfig;
  private readonly client: RedshiftDataClient;
  /** A client passed in belongs to the caller: close() leaves it open. */
  private readonly ownsClient: boolean;
  private readonly onPoll: ((info: PollInfo) => void) | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  /** The UTC query session and when its last statement finished; one statement at a time on it. */
  private session: { id: string; lastUsed: number } | undefined;
  private sessionQueue: Promise<unknown> = Promise.resolve();

  constructor(config: RedshiftConfigInput, options: RedshiftWarehouseOptions = {}) {
    this.config = RedshiftConfig.parse(config);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new RedshiftDataClient(this.config.region ? { region: this.config.region } : {});
    this.onPoll = options.onPoll;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  static fromUrl(url: string, options: RedshiftWarehouseOptions = {}): RedshiftWarehouse {
    return new RedshiftWarehouse(parseRedshiftUrl(url), options);
  }

  /** Where and as whom: the same on every call. */
  private target() {
    const c = this.config;
    return {
      Database: c.database,
      ...(c.target === 'cluster' ? { ClusterIdentifier: c.clusterIdentifier } : { WorkgroupName: c.workgroupName }),
      ...(c.secretArn !== undefined ? { SecretArn: c.secretArn } : {}),
      ...(c.target === 'cluster' && c.dbUser !== undefined ? { DbUser: c.dbUser } : {}),
      WithEvent: c.withEvent,
    };
  }

  /** The region the Data API is called in: the URL's region, else the SDK's region chain. */
  async region(): Promise<string | undefined> {
    if (this.config.region !== undefined) return this.config.region;
    return this.client.config.region().catch(() => undefined);
  }

  async ensureLedger(schema: string): Promise<void> {
    await this.runDdl([createSchemaSql(schema), createLedgerSql(schema)]);
  }

  async describeTable(schema: string, table: string): Promise<ExistingColumn[] | undefined> {
    const rows = await this.query(
      'SELECT column_name, data_type, is_nullable, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns ' +
        'WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    if (rows.length === 0) return undefined;
    return rows.map((r) => {
      const dataType = String(r.data_type).toLowerCase();
      // Only DECIMAL(18,4) is a Loadout decimal; another precision or scale is shown as it is.
      const warehouseType =
        dataType === 'numeric' ? `numeric(${String(r.numeric_precision)},${String(r.numeric_scale)})` : dataType;
      const type =
        warehouseType === 'numeric(18,4)'
          ? 'decimal'
          : warehouseType === 'character varying'
            ? Number(r.character_maximum_length) === 65535
              ? 'json'
              : 'string'
            : FROM_REDSHIFT[warehouseType];
      const length = Number(r.character_maximum_length);
      return {
        name: String(r.column_name),
        warehouseType,
        ...(type ? { type } : {}),
        nullable: r.is_nullable === 'YES',
        ...(warehouseType === 'character varying' && length > 0 ? { maxBytes: length } : {}),
      };
    });
  }

  /** One ExecuteStatement per statement, each its own transaction: Redshift cannot ALTER a column type inside one. */
  async runDdl(statements: readonly string[], options: { onPoll?: (info: PollInfo) => void } = {}): Promise<void> {
    for (const sql of statements) await this.execute(sql, [], options.onPoll);
  }

  /**
   * One BatchExecuteStatement: the Data API runs its SQL statements as a single transaction
   * (AWS, "BatchExecuteStatement", Redshift Data API reference), so a failure rolls back all of them.
   */
  async runTransaction(
    statements: readonly string[],
    options: { onPoll?: (info: PollInfo) => void } = {},
  ): Promise<void> {
    const submitted = await this.client.send(
      new BatchExecuteStatementCommand({
        ...this.target(),
        Sqls: [...statements],
        StatementName: 'loadout transaction',
      }),
    );
    if (submitted.Id === undefined) throw new Error('BatchExecuteStatement returned no statement id');
    await this.wait(submitted.Id, [...statements], options.onPoll);
  }

  async merge(plan: MergePlan, options: { onPoll?: (info: PollInfo) => void } = {}): Promise<MergeOutcome> {
    const iamRole = this.config.iamRole;
    if (iamRole === undefined) {
      throw new Error(
        'merging into Redshift needs iamRole (the role Redshift assumes to read S3): add &iamRole=arn:aws:iam::<account>:role/<name> to the warehouse URL',
      );
    }
    const batch = redshiftMergeBatch(plan, iamRole);
    for (let generation = 0; ; generation++) {
      const sentAt = this.now();
      const submitted = await this.client.send(
        new BatchExecuteStatementCommand({
          ...this.target(),
          Sqls: batch.sqls,
          ClientToken: mergeClientToken(plan.manifestKey, generation),
          StatementName: `loadout merge ${plan.table}`,
        }),
      );
      if (submitted.Id === undefined) throw new Error('BatchExecuteStatement returned no statement id');
      try {
        const done = await this.wait(submitted.Id, batch.sqls, options.onPoll);
        return await this.outcome(done, batch);
      } catch (error) {
        // The token named a statement an earlier attempt submitted and that failed: the transaction
        // rolled back, so a fresh token may run the batch again. A statement of ours that fails is
        // final, unless Redshift aborted it for serializable isolation: then it runs again after a
        // backoff, under the next token (the same token would answer with the same failed statement).
        const leftover =
          error instanceof RedshiftStatementError &&
          !(error instanceof RedshiftStatementTimeoutError) &&
          submitted.CreatedAt !== undefined &&
          submitted.CreatedAt.getTime() < sentAt - LEFTOVER_AGE_MS;
        const conflict = !leftover && isSerializationFailure(error);
        if ((!leftover && !conflict) || generation + 1 >= MAX_TOKEN_GENERATIONS) throw error;
        if (conflict) await this.sleep(this.backoff(generation));
      }
    }
  }

  private backoff(attempt: number): number {
    return serializationBackoffMs(attempt, this.random());
  }

  private async outcome(done: DescribeStatementResponse, batch: RedshiftMergeBatch): Promise<MergeOutcome> {
    const subId = done.SubStatements?.[batch.outcomeIndex]?.Id ?? `${done.Id}:${batch.outcomeIndex + 1}`;
    const [row] = await resultRows(this.client, subId);
    if (row === undefined) throw new Error(`merge ${done.Id}: the outcome statement ${subId} returned no row`);
    const stagedRows = Number(row.staged_rows);
    const applied = Number(row.applied) > 0;
    // A batch submitted by an older version (same ClientToken) has no ledger_rows column.
    const recorded = row.ledger_rows === undefined || row.ledger_rows === null ? undefined : Number(row.ledger_rows);
    return { applied, stagedRows, mergedRows: recorded ?? (applied ? stagedRows : 0) };
  }

  async ledger(schema: string, table?: string): Promise<LedgerEntry[]> {
    return readLedger(this, schema, table);
  }

  /** In the UTC session, one query at a time on it (a Data API session runs one statement at a time). */
  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const run = this.sessionQueue.then(async () => {
      const session = await this.utcSession();
      // A request the Data API refused (a session it closed, a dropped connection): the next query opens a new session.
      const done = await this.execute(sql, params, undefined, session).catch((error: unknown) => {
        if (!(error instanceof RedshiftStatementError)) this.session = undefined;
        throw error;
      });
      this.session = { id: session, lastUsed: this.now() };
      if (done.HasResultSet === false) return [];
      return resultRows(this.client, done.Id!);
    });
    this.sessionQueue = run.catch(() => {});
    return run;
  }

  /** The open UTC session, or a new one when none is open or it may have expired. */
  private async utcSession(): Promise<string> {
    const margin = 30_000;
    if (this.session !== undefined && this.now() - this.session.lastUsed < SESSION_KEEP_ALIVE_SECONDS * 1000 - margin) {
      return this.session.id;
    }
    this.session = undefined;
    const submitted = await this.client.send(
      new ExecuteStatementCommand({
        ...this.target(),
        Sql: UTC_SESSION_SQL,
        SessionKeepAliveSeconds: SESSION_KEEP_ALIVE_SECONDS,
      }),
    );
    if (submitted.Id === undefined || submitted.SessionId === undefined) {
      throw new Error('ExecuteStatement with SessionKeepAliveSeconds returned no statement or session id');
    }
    await this.wait(submitted.Id, [UTC_SESSION_SQL]);
    this.session = { id: submitted.SessionId, lastUsed: this.now() };
    return submitted.SessionId;
  }

  /** One ExecuteStatement is one transaction; ResultRows is the rows a DML statement changed. */
  async deleteRows(sql: string, params: readonly unknown[]): Promise<number> {
    return Math.max(0, (await this.execute(sql, params)).ResultRows ?? 0);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /**
   * One statement, values only through Parameters, in `sessionId` when given (then the session names
   * the target); resolves when it FINISHED. A serialization failure runs it again after a backoff.
   */
  private async execute(
    sql: string,
    params: readonly unknown[],
    onPoll?: (info: PollInfo) => void,
    sessionId?: string,
  ): Promise<DescribeStatementResponse> {
    const bound = params.length > 0 ? toDataApiParameters(sql, params) : { sql, parameters: [] };
    for (let attempt = 0; ; attempt++) {
      const submitted = await this.client.send(
        new ExecuteStatementCommand({
          ...(sessionId !== undefined ? { SessionId: sessionId } : this.target()),
          Sql: bound.sql,
          ...(bound.parameters.length > 0 ? { Parameters: bound.parameters } : {}),
        }),
      );
      if (submitted.Id === undefined) throw new Error('ExecuteStatement returned no statement id');
      try {
        return await this.wait(submitted.Id, [bound.sql], onPoll);
      } catch (error) {
        if (!isSerializationFailure(error) || attempt + 1 >= MAX_TOKEN_GENERATIONS) throw error;
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  /**
   * Polls DescribeStatement, first after pollIntervalMs and then twice as long each time up to
   * maxPollIntervalMs, until FINISHED; FAILED and ABORTED throw with the server's text. Past
   * statementTimeoutSeconds the statement is cancelled and a RedshiftStatementTimeoutError thrown.
   */
  private async wait(
    id: string,
    sqls: readonly string[],
    onPoll?: (info: PollInfo) => void,
  ): Promise<DescribeStatementResponse> {
    const started = this.now();
    const deadline = started + this.config.statementTimeoutSeconds * 1000;
    let delay = this.config.pollIntervalMs;
    for (let polls = 1; ; polls++) {
      const d = await this.client.send(new DescribeStatementCommand({ Id: id }));
      const status = d.Status ?? 'UNKNOWN';
      const info = { statementId: id, status, polls, elapsedMs: this.now() - started };
      this.onPoll?.(info);
      onPoll?.(info);
      if (status === 'FINISHED') return d;
      if (status === 'FAILED' || status === 'ABORTED') throw statementError(d, sqls);
      const remaining = deadline - this.now();
      if (remaining <= 0) return this.cancel(id, sqls);
      await this.sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, this.config.maxPollIntervalMs);
    }
  }

  private async cancel(id: string, sqls: readonly string[]): Promise<DescribeStatementResponse> {
    let note = 'cancelled';
    try {
      const answer = await this.client.send(new CancelStatementCommand({ Id: id }));
      if (answer.Status !== true) note = 'CancelStatement did not confirm the cancellation';
    } catch (error) {
      note = `CancelStatement failed: ${(error as Error).message}`;
    }
    if (note !== 'cancelled') {
      // It may have finished between the last poll and the cancel.
      const d = await this.client.send(new DescribeStatementCommand({ Id: id }));
      if (d.Status === 'FINISHED') return d;
    }
    const what = sqls.length === 1 ? ` (${statementHead(sqls[0]!)})` : ` (batch of ${sqls.length})`;
    throw new RedshiftStatementTimeoutError(
      `Redshift statement ${id}${what} passed statementTimeoutSeconds=${this.config.statementTimeoutSeconds}: ${note}`,
      id,
      'TIMEOUT',
      undefined,
    );
  }
}
