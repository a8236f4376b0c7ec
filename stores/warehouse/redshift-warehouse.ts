/**
 * The Warehouse port on Amazon Redshift through the Redshift Data API: no driver, no connection,
 * each statement submitted over HTTPS and polled until it finishes.
 *
 * Warehouse URLs (`LOADOUT_WAREHOUSE`, `--warehouse`), one form per way of signing in:
 *   redshift://<cluster-id>/<database>?dbUser=<user>&iamRole=<arn>      provisioned cluster, temporary
 *                                                                       credentials for a database user
 *                                                                       (redshift:GetClusterCredentials)
 *   redshift://<cluster-id>/<database>?secretArn=<arn>&iamRole=<arn>    provisioned cluster, Secrets Manager
 *   redshift://<cluster-id>/<database>?iamRole=<arn>                    provisioned cluster, the caller's IAM
 *                                                                       identity (GetClusterCredentialsWithIAM)
 *   redshift-serverless://<workgroup>/<database>?iamRole=<arn>          Redshift Serverless, the caller's IAM
 *                                                                       identity (redshift-serverless:GetCredentials)
 *   redshift-serverless://<workgroup>/<database>?secretArn=<arn>&...    Redshift Serverless, Secrets Manager
 * Other parameters: region (else the SDK's chain: AWS_REGION, profile), iamRole (the role Redshift
 * assumes to read the staged files and manifests in S3; `default` for the cluster's default role;
 * needed by merge only), statementTimeoutSeconds (3600), pollIntervalMs (first poll delay, 250, doubling
 * up to maxPollIntervalMs, 5000), withEvent (false; true sends an EventBridge event per statement).
 * Unknown parameters are refused. AWS credentials come from the SDK's standard chain, never the URL.
 *
 * A merge is ONE BatchExecuteStatement (the Data API runs a batch as one transaction in one session,
 * so the TEMP staging tables live across its statements): create staging, COPY, the shared merge
 * statements, a SELECT reporting the outcome, drop staging. Its ClientToken derives from the manifest
 * key, so re-sending it after a lost response returns the same statement instead of running twice.
 */
import {
  BatchExecuteStatementCommand, CancelStatementCommand, DescribeStatementCommand, ExecuteStatementCommand,
  GetStatementResultCommand, RedshiftDataClient, type ColumnMetadata, type DescribeStatementResponse, type Field,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ColumnType } from '../../schemas/column-types';
import {
  createLedgerSql, createSchemaSql, createStagingSql, dropStagingStatements, ledgerQuerySql, mergeStatements,
  type TypeNames,
} from './sql/merge-sql';
import { IAM_ROLE_ARN, mergeOutcomeSql, redshiftCopySql, REDSHIFT_NOW } from './sql/redshift-copy-sql';
import type { ExistingColumn, LedgerEntry, MergeOutcome, MergePlan, Warehouse } from './warehouse';

/** Catalog strings are at most 128 characters, 4 bytes each in UTF-8: 512 bytes, with room to spare. */
export const REDSHIFT_TYPES: TypeNames = {
  string: 'VARCHAR(1024)', json: 'VARCHAR(65535)', int64: 'BIGINT', double: 'DOUBLE PRECISION', boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

// ---------------------------------------------------------------------------------------------
// Configuration

const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
const WORKGROUP = /^[a-z0-9-]{3,64}$/;
const DATABASE = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
const DB_USER = /^[A-Za-z0-9_.@+$-]{1,128}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const common = {
  database: z.string().regex(DATABASE, 'database: letters, digits, _ or $, starting with a letter or _'),
  region: z.string().regex(REGION, 'region: an AWS region such as eu-west-1').optional(),
  iamRole: z.string()
    .refine((v) => v === 'default' || IAM_ROLE_ARN.test(v), 'iamRole: arn:aws:iam::<account>:role/<name>, or default')
    .optional(),
  secretArn: z.string().regex(SECRET_ARN, 'secretArn: arn:aws:secretsmanager:<region>:<account>:secret:<name>').optional(),
  statementTimeoutSeconds: z.number().int().min(1).max(86_400).default(3600),
  pollIntervalMs: z.number().int().min(1).max(60_000).default(250),
  maxPollIntervalMs: z.number().int().min(1).max(60_000).default(5000),
  withEvent: z.boolean().default(false),
};

export const RedshiftConfig = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('cluster'),
    clusterIdentifier: z.string().regex(CLUSTER_ID, 'cluster id: lower-case letters, digits and single hyphens, 1-63 characters, starting with a letter'),
    dbUser: z.string().regex(DB_USER, 'dbUser: a database user name').optional(),
    ...common,
  }).refine((c) => !(c.dbUser !== undefined && c.secretArn !== undefined), {
    message: 'dbUser and secretArn are two ways of signing in: give one', path: ['dbUser'],
  }),
  z.object({
    target: z.literal('serverless'),
    workgroupName: z.string().regex(WORKGROUP, 'workgroup: lower-case letters, digits and hyphens, 3-64 characters'),
    ...common,
  }),
]).refine((c) => c.maxPollIntervalMs >= c.pollIntervalMs, {
  message: 'maxPollIntervalMs must not be less than pollIntervalMs', path: ['maxPollIntervalMs'],
});
export type RedshiftConfig = z.infer<typeof RedshiftConfig>;
export type RedshiftConfigInput = z.input<typeof RedshiftConfig>;

const URL_FORMS = 'redshift://<cluster-id>/<database>?dbUser=<user>|secretArn=<arn>&iamRole=<arn> '
  + 'or redshift-serverless://<workgroup>/<database>?iamRole=<arn>';
const NUMBER_PARAMS = ['statementTimeoutSeconds', 'pollIntervalMs', 'maxPollIntervalMs'] as const;
const STRING_PARAMS = ['dbUser', 'secretArn', 'iamRole', 'region'] as const;
const URL_PARAMS: readonly string[] = [...STRING_PARAMS, ...NUMBER_PARAMS, 'withEvent'];

export function isRedshiftUrl(url: string): boolean {
  return /^redshift(-serverless)?:\/\//.test(url);
}

/** Parses and validates a Redshift warehouse URL (forms in the module comment); throws with the reason. */
export function parseRedshiftUrl(url: string): RedshiftConfig {
  const fail = (why: string): never => {
    throw new Error(`invalid Redshift warehouse URL ${JSON.stringify(url)}: ${why} (expected ${URL_FORMS})`);
  };
  if (/^redshift:\/\/workgroup:/.test(url)) fail('a serverless workgroup is written redshift-serverless://<workgroup>/<database>');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('not a URL');
  }
  const serverless = parsed.protocol === 'redshift-serverless:';
  if (!serverless && parsed.protocol !== 'redshift:') fail(`scheme ${parsed.protocol} is neither redshift: nor redshift-serverless:`);
  if (parsed.username !== '' || parsed.password !== '') fail('credentials do not go in the URL: use dbUser, secretArn or the IAM identity');
  if (parsed.port !== '') fail('no port: the Data API addresses the cluster or workgroup by name');
  if (parsed.hash !== '') fail('no #fragment');
  const host = decodeURIComponent(parsed.hostname);
  if (host === '') fail(serverless ? 'the workgroup name is missing' : 'the cluster id is missing');
  const segments = parsed.pathname.split('/').slice(1);
  if (segments.length !== 1 || segments[0] === '') fail('the path must be exactly /<database>');
  const database = decodeURIComponent(segments[0]!);

  const raw: Record<string, unknown> = {};
  for (const [key, value] of parsed.searchParams) {
    if (!URL_PARAMS.includes(key)) fail(`unknown parameter ${key} (known: ${URL_PARAMS.join(', ')})`);
    if (key in raw) fail(`parameter ${key} is given twice`);
    if ((NUMBER_PARAMS as readonly string[]).includes(key)) {
      if (!/^\d{1,9}$/.test(value)) fail(`${key} must be a whole number, not ${JSON.stringify(value)}`);
      raw[key] = Number(value);
    } else if (key === 'withEvent') {
      if (value !== 'true' && value !== 'false') fail(`withEvent must be true or false, not ${JSON.stringify(value)}`);
      raw[key] = value === 'true';
    } else {
      raw[key] = value;
    }
  }
  if (serverless && 'dbUser' in raw) fail('dbUser is for provisioned clusters; Redshift Serverless signs in with the IAM identity or secretArn');
  const candidate = serverless
    ? { target: 'serverless', workgroupName: host, database, ...raw }
    : { target: 'cluster', clusterIdentifier: host, database, ...raw };
  const result = RedshiftConfig.safeParse(candidate);
  if (!result.success) fail(result.error.issues.map((i) => i.message).join('; '));
  return result.data!;
}

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
  const merge = mergeStatements(plan, { now: REDSHIFT_NOW });
  const sqls = [
    createStagingSql(plan, REDSHIFT_TYPES),
    redshiftCopySql(plan, iamRole),
    ...merge,
    mergeOutcomeSql(plan),
    ...dropStagingStatements(plan),
  ];
  return { sqls, copyIndex: 1, outcomeIndex: 2 + merge.length };
}

/**
 * The merge's idempotency token: the same manifest gives the same token, so a BatchExecuteStatement
 * re-sent after a lost response (or by the next activity attempt while the first still runs) is
 * answered with the statement already submitted. `generation` moves past a token whose statement
 * failed in an earlier attempt (see merge).
 */
export function mergeClientToken(manifestKey: string, generation = 0): string {
  return createHash('sha256').update(`${manifestKey}\nmerge${generation === 0 ? '' : `\n${generation}`}`).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface FailedSubStatement {
  /** 1-based, as in the sub-statement id `${batchId}:${index}`. */
  index: number;
  id?: string;
  sql: string;
}

/** A statement that ended FAILED or ABORTED, with the server's error text and the statement id. */
export class RedshiftStatementError extends Error {
  override readonly name: string = 'RedshiftStatementError';
  constructor(
    message: string,
    readonly statementId: string,
    readonly status: string,
    readonly serverError: string | undefined,
    readonly failedStatement?: FailedSubStatement,
  ) {
    super(message);
  }
}

/** A statement that passed statementTimeoutSeconds; it was cancelled (CancelStatement). */
export class RedshiftStatementTimeoutError extends RedshiftStatementError {
  override readonly name = 'RedshiftStatementTimeoutError';
}

function head(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

function statementError(d: DescribeStatementResponse, sqls: readonly string[]): RedshiftStatementError {
  const id = d.Id ?? '?';
  const status = d.Status ?? 'UNKNOWN';
  const subs = d.SubStatements ?? [];
  let i = subs.findIndex((s) => s.Status === 'FAILED');
  if (i < 0 && status === 'ABORTED') i = subs.findIndex((s) => s.Status === 'ABORTED');
  const sub = i >= 0 ? subs[i] : undefined;
  const serverError = sub?.Error || d.Error || undefined;
  let failed: FailedSubStatement | undefined;
  let where = '';
  if (sub !== undefined) {
    failed = { index: i + 1, id: sub.Id, sql: sqls[i] ?? sub.QueryString ?? '' };
    where = ` at statement ${i + 1} of ${sqls.length} (${head(failed.sql)})`;
  } else if (sqls.length === 1) {
    where = ` (${head(sqls[0]!)})`;
  }
  return new RedshiftStatementError(
    `Redshift statement ${id} ${status}${where}: ${serverError ?? 'no error text from the server'}`, id, status, serverError, failed,
  );
}

// ---------------------------------------------------------------------------------------------
// Parameters and results

/**
 * The port's positional `$1..$n` placeholders become the Data API's named `:p1..:pn` (outside quoted
 * strings, quoted identifiers and comments); values travel as strings in `Parameters`, never in the
 * SQL text. The Data API cannot bind NULL, and refuses a parameter no statement uses.
 */
export function toDataApiParameters(sql: string, params: readonly unknown[]): { sql: string; parameters: SqlParameter[] } {
  let out = '';
  const used = new Set<number>();
  let i = 0;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      copyUntil(Math.min(j + 1, sql.length));
    } else if (c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      copyUntil(Math.min(j + 1, sql.length));
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      copyUntil(j < 0 ? sql.length : j);
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      copyUntil(j < 0 ? sql.length : j + 2);
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '') && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!;
      const n = Number(m[1]);
      if (n < 1 || n > params.length) throw new Error(`query uses $${n} but ${params.length} parameter(s) were given`);
      used.add(n);
      out += `:p${n}`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  const parameters = params.map((value, k) => {
    if (!used.has(k + 1)) throw new Error(`parameter $${k + 1} is not used by the query (the Data API refuses unused parameters)`);
    return { name: `p${k + 1}`, value: parameterText(value, k + 1) };
  });
  return { sql: out, parameters };
}

function parameterText(value: unknown, n: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`parameter $${n} is ${value}: not a finite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined) {
    throw new Error(`parameter $${n} is ${value}: the Redshift Data API cannot bind NULL; write IS NULL in the query`);
  }
  throw new Error(`parameter $${n}: cannot pass a ${typeof value} to Redshift`);
}

/** `2026-11-23 09:20:00.123456+00` (timestamptz) or without an offset (timestamp, UTC) -> Date. */
export function parseRedshiftTimestamp(text: string): Date | string {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(text);
  if (!m) return text;
  const fraction = (m[3] ?? '').slice(0, 4);
  let zone = m[4] ?? 'Z';
  if (zone !== 'Z') zone = zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  return new Date(`${m[1]}T${m[2]}${fraction}${zone}`);
}

function fieldValue(field: Field, column: ColumnMetadata | undefined): unknown {
  if (field.isNull === true) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) {
    const type = column?.typeName?.toLowerCase();
    return type === 'timestamptz' || type === 'timestamp' ? parseRedshiftTimestamp(field.stringValue) : field.stringValue;
  }
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  return null;
}

const FROM_REDSHIFT: Record<string, ColumnType> = {
  bigint: 'int64', 'double precision': 'double', boolean: 'boolean', 'timestamp with time zone': 'timestamp',
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
}

/** A statement answered by an earlier attempt is older than this at submission; younger ones are ours. */
const LEFTOVER_AGE_MS = 60_000;
/** Fresh tokens tried in one merge() after earlier attempts' statements failed. */
const MAX_TOKEN_GENERATIONS = 8;

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

  constructor(config: RedshiftConfigInput, options: RedshiftWarehouseOptions = {}) {
    this.config = RedshiftConfig.parse(config);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new RedshiftDataClient(this.config.region ? { region: this.config.region } : {});
    this.onPoll = options.onPoll;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
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

  async ensureLedger(schema: string): Promise<void> {
    await this.runDdl([createSchemaSql(schema), createLedgerSql(schema)]);
  }

  async describeTable(schema: string, table: string): Promise<ExistingColumn[] | undefined> {
    const rows = await this.query(
      'SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns '
      + 'WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    if (rows.length === 0) return undefined;
    return rows.map((r) => {
      const warehouseType = String(r.data_type).toLowerCase();
      const type = warehouseType === 'character varying'
        ? (Number(r.character_maximum_length) === 65535 ? 'json' : 'string')
        : FROM_REDSHIFT[warehouseType];
      return { name: String(r.column_name), warehouseType, ...(type ? { type } : {}), nullable: r.is_nullable === 'YES' };
    });
  }

  /** One ExecuteStatement per statement, each its own transaction: Redshift cannot ALTER a column type inside one. */
  async runDdl(statements: readonly string[], options: { onPoll?: (info: PollInfo) => void } = {}): Promise<void> {
    for (const sql of statements) await this.execute(sql, [], options.onPoll);
  }

  async merge(plan: MergePlan, options: { onPoll?: (info: PollInfo) => void } = {}): Promise<MergeOutcome> {
    const iamRole = this.config.iamRole;
    if (iamRole === undefined) {
      throw new Error('merging into Redshift needs iamRole (the role Redshift assumes to read S3): add &iamRole=arn:aws:iam::<account>:role/<name> to the warehouse URL');
    }
    const batch = redshiftMergeBatch(plan, iamRole);
    for (let generation = 0; ; generation++) {
      const sentAt = this.now();
      const submitted = await this.client.send(new BatchExecuteStatementCommand({
        ...this.target(),
        Sqls: batch.sqls,
        ClientToken: mergeClientToken(plan.manifestKey, generation),
        StatementName: `loadout merge ${plan.table}`,
      }));
      if (submitted.Id === undefined) throw new Error('BatchExecuteStatement returned no statement id');
      try {
        const done = await this.wait(submitted.Id, batch.sqls, options.onPoll);
        return await this.outcome(done, batch);
      } catch (error) {
        // The token named a statement an earlier attempt submitted and that failed: the transaction
        // rolled back, so a fresh token may run the batch again. A statement of ours that fails is final.
        const leftover = error instanceof RedshiftStatementError && !(error instanceof RedshiftStatementTimeoutError)
          && submitted.CreatedAt !== undefined && submitted.CreatedAt.getTime() < sentAt - LEFTOVER_AGE_MS;
        if (!leftover || generation + 1 >= MAX_TOKEN_GENERATIONS) throw error;
      }
    }
  }

  private async outcome(done: DescribeStatementResponse, batch: RedshiftMergeBatch): Promise<MergeOutcome> {
    const subId = done.SubStatements?.[batch.outcomeIndex]?.Id ?? `${done.Id}:${batch.outcomeIndex + 1}`;
    const [row] = await this.rows(subId);
    if (row === undefined) throw new Error(`merge ${done.Id}: the outcome statement ${subId} returned no row`);
    const stagedRows = Number(row.staged_rows);
    const applied = Number(row.applied) > 0;
    // A batch submitted by an older version (same ClientToken) has no ledger_rows column.
    const recorded = row.ledger_rows === undefined || row.ledger_rows === null ? undefined : Number(row.ledger_rows);
    return { applied, stagedRows, mergedRows: recorded ?? (applied ? stagedRows : 0) };
  }

  async ledger(schema: string, table?: string): Promise<LedgerEntry[]> {
    const rows = await this.query(ledgerQuerySql(schema, table !== undefined), table !== undefined ? [table] : []);
    return rows.map((r) => ({
      manifestKey: String(r.manifest_key), table: String(r.table_name), fingerprint: String(r.fingerprint),
      files: Number(r.files), rows: Number(r.rows),
      loadedAt: r.loaded_at instanceof Date ? r.loaded_at : new Date(String(r.loaded_at)),
    }));
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const done = await this.execute(sql, params);
    if (done.HasResultSet === false) return [];
    return this.rows(done.Id!);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  /** One statement, values only through Parameters; resolves when it FINISHED. */
  private async execute(sql: string, params: readonly unknown[], onPoll?: (info: PollInfo) => void): Promise<DescribeStatementResponse> {
    const bound = params.length > 0 ? toDataApiParameters(sql, params) : { sql, parameters: [] };
    const submitted = await this.client.send(new ExecuteStatementCommand({
      ...this.target(),
      Sql: bound.sql,
      ...(bound.parameters.length > 0 ? { Parameters: bound.parameters } : {}),
    }));
    if (submitted.Id === undefined) throw new Error('ExecuteStatement returned no statement id');
    return this.wait(submitted.Id, [bound.sql], onPoll);
  }

  /**
   * Polls DescribeStatement, first after pollIntervalMs and then twice as long each time up to
   * maxPollIntervalMs, until FINISHED; FAILED and ABORTED throw with the server's text. Past
   * statementTimeoutSeconds the statement is cancelled and a RedshiftStatementTimeoutError thrown.
   */
  private async wait(id: string, sqls: readonly string[], onPoll?: (info: PollInfo) => void): Promise<DescribeStatementResponse> {
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
    const what = sqls.length === 1 ? ` (${head(sqls[0]!)})` : ` (batch of ${sqls.length})`;
    throw new RedshiftStatementTimeoutError(
      `Redshift statement ${id}${what} passed statementTimeoutSeconds=${this.config.statementTimeoutSeconds}: ${note}`,
      id, 'TIMEOUT', undefined,
    );
  }

  /** Every page of a finished statement's result set, as objects keyed by column label. */
  private async rows(id: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let columns: ColumnMetadata[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new GetStatementResultCommand({ Id: id, ...(nextToken ? { NextToken: nextToken } : {}) }));
      if (page.ColumnMetadata && page.ColumnMetadata.length > 0) columns = page.ColumnMetadata;
      for (const record of page.Records ?? []) {
        const row: Record<string, unknown> = {};
        record.forEach((field, k) => {
          const column = columns[k];
          row[column?.label || column?.name || `column${k + 1}`] = fieldValue(field, column);
        });
        rows.push(row);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return rows;
  }
}
