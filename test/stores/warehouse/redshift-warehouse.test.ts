/** The Redshift adapter against a mocked Data API client: what it sends, how it waits, what it reads back. */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
} from '@aws-sdk/client-redshift-data';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createLedgerSql,
  createStagingSql,
  dropStagingStatements,
  mergeStatements,
} from '../../../stores/warehouse/sql/merge-sql';
import {
  RedshiftStatementError,
  RedshiftStatementTimeoutError,
} from '../../../stores/warehouse/redshift-statement-errors';
import type { RedshiftConfigInput } from '../../../stores/warehouse/redshift-url';
import {
  mergeClientToken,
  redshiftMergeBatch,
  REDSHIFT_STAGING_TYPES,
  REDSHIFT_TYPES,
} from '../../../stores/warehouse/redshift-warehouse';
import { harness, mock, outcomeRows, plan, ROLE, SECRET } from '../../helpers/redshift-data-api-mock';

beforeEach(() => {
  mock.reset();
});

describe('REDSHIFT_TYPES', () => {
  it('names every Loadout type', () => {
    expect(REDSHIFT_TYPES).toEqual({
      string: 'VARCHAR(65535)',
      json: 'VARCHAR(65535)',
      int64: 'BIGINT',
      double: 'DOUBLE PRECISION',
      decimal: 'DECIMAL(18,4)',
      boolean: 'BOOLEAN',
      timestamp: 'TIMESTAMPTZ',
    });
  });
});

describe('merge', () => {
  it('sends one BatchExecuteStatement with staging, COPY, the merge, the outcome read-back and the drops, in order', async () => {
    const { warehouse, sleeps, polls } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-1', CreatedAt: new Date(1_000_000) });
    mock
      .on(DescribeStatementCommand, { Id: 'batch-1' })
      .resolvesOnce({ Id: 'batch-1', Status: 'SUBMITTED' })
      .resolvesOnce({ Id: 'batch-1', Status: 'PICKED' })
      .resolvesOnce({ Id: 'batch-1', Status: 'STARTED' })
      .resolvesOnce({ Id: 'batch-1', Status: 'STARTED' })
      .resolvesOnce({ Id: 'batch-1', Status: 'STARTED' })
      .resolvesOnce({ Id: 'batch-1', Status: 'STARTED' })
      .resolvesOnce({ Id: 'batch-1', Status: 'STARTED' })
      .resolves({
        Id: 'batch-1',
        Status: 'FINISHED',
        HasResultSet: true,
        SubStatements: Array.from({ length: 11 }, (_, i) => ({ Id: `batch-1:${i + 1}`, Status: 'FINISHED' as const })),
      });
    mock.on(GetStatementResultCommand, { Id: 'batch-1:9' }).resolves(outcomeRows(42, 1));

    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: true, stagedRows: 42, mergedRows: 42 });

    const [batch] = mock.commandCalls(BatchExecuteStatementCommand);
    const input = batch!.args[0].input;
    expect(input).toEqual({
      Database: 'dev',
      ClusterIdentifier: 'loadout-prod',
      DbUser: 'loader',
      WithEvent: false,
      Sqls: expect.any(Array),
      ClientToken: mergeClientToken(plan.manifestKey),
      StatementName: 'loadout merge match_end',
    });
    const sqls = input.Sqls!;
    const shared = mergeStatements(plan, { staged: { timestampsWithoutZone: true } });
    expect(sqls).toHaveLength(11);
    // The session's zone first: SYSDATE and the KPI views assume UTC.
    expect(sqls[0]).toBe("SET timezone TO 'UTC'");
    // The table's own ledger: no other table's merge reads or writes it.
    expect(sqls[1]).toBe(createLedgerSql('analytics', 'match_end'));
    expect(sqls[1]).toMatch(/^CREATE TABLE IF NOT EXISTS "analytics"."loadout_ledger_match_end" \(/);
    expect(sqls[2]).toBe(createStagingSql(plan, REDSHIFT_STAGING_TYPES));
    // Timestamps staged as TIMESTAMP (the documented Parquet pairing); text without a bound at the largest VARCHAR.
    expect(sqls[2]).toBe(
      'CREATE TEMP TABLE "stg_match_end_0123456789abcdef" ("match_id" VARCHAR(65535), "ended_at" TIMESTAMP, "score" BIGINT)',
    );
    expect(sqls[4]).toContain(
      `SELECT "ranked"."match_id" AS "match_id", "ranked"."ended_at" AT TIME ZONE 'UTC' AS "ended_at", "ranked"."score" AS "score" FROM`,
    );
    expect(sqls[3]).toBe(
      `COPY "stg_match_end_0123456789abcdef" FROM '${plan.manifestUrl}' IAM_ROLE '${ROLE}' FORMAT AS PARQUET MANIFEST`,
    );
    expect(sqls.slice(4, 7)).toEqual(shared.slice(0, 3));
    // The ledger row: the shared statement with SYSDATE for CURRENT_TIMESTAMP (leader-node-only on Redshift).
    expect(sqls[7]).toBe(shared[3]!.replace(', CURRENT_TIMESTAMP WHERE', ', SYSDATE WHERE'));
    expect(sqls[7]).toMatch(/^INSERT INTO "analytics"."loadout_ledger_match_end" /);
    expect(sqls.join('\n')).not.toContain('CURRENT_TIMESTAMP');
    expect(sqls[8]).toMatch(
      /^SELECT "s"."staged_rows", "l"."applied", "l"."ledger_rows" FROM .* "loaded_at" = SYSDATE .*\) AS "l"$/,
    );
    expect(sqls.slice(9)).toEqual(dropStagingStatements(plan));
    expect(sqls).toEqual(redshiftMergeBatch(plan, ROLE).sqls);

    // Polled until FINISHED, the delay doubling from pollIntervalMs up to the 5 s cap.
    expect(mock.commandCalls(DescribeStatementCommand)).toHaveLength(8);
    expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(polls.map((p) => p.status)).toEqual([
      'SUBMITTED',
      'PICKED',
      'STARTED',
      'STARTED',
      'STARTED',
      'STARTED',
      'STARTED',
      'FINISHED',
    ]);
    expect(polls.map((p) => p.polls)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(polls.at(-1)!.elapsedMs).toBe(17_750);
    expect(mock.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'batch-1:9' }]);
  });

  it('reports a manifest already in the ledger as not applied, with the rows its ledger row recorded', async () => {
    const { warehouse } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-2', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({ Id: 'batch-2', Status: 'FINISHED' });
    mock.on(GetStatementResultCommand, { Id: 'batch-2:9' }).resolves(outcomeRows(42, 0, 42));
    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: false, stagedRows: 42, mergedRows: 42 });
  });

  it('reads the outcome of a batch submitted by an older version, without ledger_rows', async () => {
    const { warehouse } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-4', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({ Id: 'batch-4', Status: 'FINISHED' });
    mock
      .on(GetStatementResultCommand, { Id: 'batch-4:9' })
      .resolvesOnce(outcomeRows(42, 1, null))
      .resolvesOnce(outcomeRows(42, 0, null));
    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: true, stagedRows: 42, mergedRows: 42 });
    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: false, stagedRows: 42, mergedRows: 0 });
  });

  it('keeps its ClientToken across retries, so a batch re-sent after a lost response does not run twice', async () => {
    const { warehouse } = harness();
    mock
      .on(BatchExecuteStatementCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))
      .resolves({ Id: 'batch-3', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({ Id: 'batch-3', Status: 'FINISHED' });
    mock.on(GetStatementResultCommand).resolves(outcomeRows(5, 1));

    await expect(warehouse.merge(plan)).rejects.toThrow('socket hang up');
    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: true, stagedRows: 5, mergedRows: 5 });

    const tokens = mock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual([mergeClientToken(plan.manifestKey), mergeClientToken(plan.manifestKey)]);
    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(mergeClientToken('manifests/match_end/0123456789abcdef-other.json')).not.toBe(tokens[0]);
  });

  it('a connection reset while polling fails the attempt; the retry finds the same batch and reports its rows', async () => {
    const { warehouse } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-5', CreatedAt: new Date(1_000_000) });
    mock
      .on(DescribeStatementCommand)
      .rejectsOnce(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
      .resolves({ Id: 'batch-5', Status: 'FINISHED' });
    // The batch committed while the first attempt was cut off: its own outcome row says applied.
    mock.on(GetStatementResultCommand, { Id: 'batch-5:9' }).resolves(outcomeRows(7, 1));

    await expect(warehouse.merge(plan)).rejects.toThrow('read ECONNRESET');
    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: true, stagedRows: 7, mergedRows: 7 });
    const tokens = mock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual([mergeClientToken(plan.manifestKey), mergeClientToken(plan.manifestKey)]);
  });

  it('moves past a token whose statement an earlier attempt left FAILED, and runs the batch afresh', async () => {
    const { warehouse, now } = harness();
    mock
      .on(BatchExecuteStatementCommand, { ClientToken: mergeClientToken(plan.manifestKey) })
      .resolves({ Id: 'old-batch', CreatedAt: new Date(now() - 10 * 60_000) });
    mock
      .on(BatchExecuteStatementCommand, { ClientToken: mergeClientToken(plan.manifestKey, 1) })
      .resolves({ Id: 'new-batch', CreatedAt: new Date(now()) });
    mock.on(DescribeStatementCommand, { Id: 'old-batch' }).resolves({
      Id: 'old-batch',
      Status: 'FAILED',
      Error: 'ERROR: 1023 Serializable isolation violation on table',
    });
    mock.on(DescribeStatementCommand, { Id: 'new-batch' }).resolves({ Id: 'new-batch', Status: 'FINISHED' });
    mock.on(GetStatementResultCommand, { Id: 'new-batch:9' }).resolves(outcomeRows(3, 1));
    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: true, stagedRows: 3, mergedRows: 3 });
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(2);
  });

  it('retries a serialization failure (ERROR 1023) after a backoff under a new ClientToken, and succeeds', async () => {
    const { warehouse, sleeps, now } = harness();
    const conflict =
      'ERROR: 1023 DETAIL: Serializable isolation violation on table - 123456, transactions forming the cycle are: 1, 2';
    mock
      .on(BatchExecuteStatementCommand, { ClientToken: mergeClientToken(plan.manifestKey) })
      .callsFake(async () => ({ Id: 'conflicted', CreatedAt: new Date(now()) }));
    mock
      .on(BatchExecuteStatementCommand, { ClientToken: mergeClientToken(plan.manifestKey, 1) })
      .callsFake(async () => ({ Id: 'retried', CreatedAt: new Date(now()) }));
    mock.on(DescribeStatementCommand, { Id: 'conflicted' }).resolves({
      Id: 'conflicted',
      Status: 'FAILED',
      Error: conflict,
      SubStatements: [{ Id: 'conflicted:1', Status: 'FAILED', Error: conflict }],
    });
    mock.on(DescribeStatementCommand, { Id: 'retried' }).resolves({ Id: 'retried', Status: 'FINISHED' });
    mock.on(GetStatementResultCommand, { Id: 'retried:9' }).resolves(outcomeRows(4, 1));

    await expect(warehouse.merge(plan)).resolves.toEqual({ applied: true, stagedRows: 4, mergedRows: 4 });
    const tokens = mock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual([mergeClientToken(plan.manifestKey), mergeClientToken(plan.manifestKey, 1)]);
    expect(tokens[1]).not.toBe(tokens[0]);
    // The same batch both times, after one backoff (2 s, with up to half again of jitter).
    const sent = mock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.Sqls);
    expect(sent[1]).toEqual(sent[0]);
    expect(sleeps.filter((ms) => ms >= 2_000)).toHaveLength(1);
  });

  it('gives up on serialization failures after a bounded number of tokens', async () => {
    const { warehouse, now } = harness();
    let n = 0;
    mock.on(BatchExecuteStatementCommand).callsFake(async () => ({ Id: `c-${++n}`, CreatedAt: new Date(now()) }));
    mock.on(DescribeStatementCommand).callsFake(async (input: { Id: string }) => ({
      Id: input.Id,
      Status: 'FAILED',
      Error: 'ERROR: 1023 Serializable isolation violation on table',
    }));
    await expect(warehouse.merge(plan)).rejects.toThrow(/Serializable isolation violation/);
    const tokens = mock.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toHaveLength(8);
    expect(new Set(tokens).size).toBe(8);
  });

  it('does not retry other failures of its own batch', async () => {
    const { warehouse, now } = harness();
    mock.on(BatchExecuteStatementCommand).callsFake(async () => ({ Id: 'own', CreatedAt: new Date(now()) }));
    mock.on(DescribeStatementCommand).resolves({ Id: 'own', Status: 'FAILED', Error: 'ERROR: permission denied' });
    await expect(warehouse.merge(plan)).rejects.toThrow(/permission denied/);
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(1);
  });

  it('surfaces FAILED with the server error, the statement id and the sub-statement that failed', async () => {
    const { warehouse } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-4', CreatedAt: new Date(1_000_000) });
    const serverError = "ERROR: Spectrum Scan Error ... has an incompatible Parquet schema for column 's3://lake/...'";
    mock.on(DescribeStatementCommand).resolves({
      Id: 'batch-4',
      Status: 'FAILED',
      Error: serverError,
      SubStatements: [
        ...Array.from({ length: 3 }, (_, i) => ({ Id: `batch-4:${i + 1}`, Status: 'FINISHED' as const })),
        { Id: 'batch-4:4', Status: 'FAILED', Error: serverError, QueryString: 'COPY ...' },
        ...Array.from({ length: 7 }, (_, i) => ({ Id: `batch-4:${i + 5}`, Status: 'ABORTED' as const })),
      ],
    });
    const error = await warehouse.merge(plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedshiftStatementError);
    const e = error as RedshiftStatementError;
    expect(e.message).toContain('batch-4');
    expect(e.message).toContain('FAILED at statement 4 of 11 (COPY "stg_match_end_0123456789abcdef" FROM');
    expect(e.message).toContain(serverError);
    expect(e.statementId).toBe('batch-4');
    expect(e.serverError).toBe(serverError);
    expect(e.failedStatement).toMatchObject({ index: 4, id: 'batch-4:4' });
    expect(e.failedStatement!.sql).toMatch(/^COPY /);
    expect(mock.commandCalls(GetStatementResultCommand)).toHaveLength(0);
  });

  it('surfaces ABORTED with the server error text', async () => {
    const { warehouse } = harness();
    mock.on(ExecuteStatementCommand, { Sql: "SET timezone TO 'UTC'" }).resolves({ Id: 's-1', SessionId: 'sess-1' });
    mock.on(ExecuteStatementCommand, { Sql: 'SELECT 1' }).resolves({ Id: 'q-1' });
    mock.on(DescribeStatementCommand, { Id: 's-1' }).resolves({ Id: 's-1', Status: 'FINISHED' });
    mock
      .on(DescribeStatementCommand, { Id: 'q-1' })
      .resolves({ Id: 'q-1', Status: 'ABORTED', Error: 'Query (1234) cancelled by user' });
    await expect(warehouse.query('SELECT 1')).rejects.toThrow(
      /^Redshift statement q-1 ABORTED \(SELECT 1\): Query \(1234\) cancelled by user$/,
    );
  });

  it('cancels a statement that passes its timeout and throws', async () => {
    const { warehouse, sleeps } = harness({ statementTimeoutSeconds: 10 });
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-5', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({ Id: 'batch-5', Status: 'STARTED' });
    mock.on(CancelStatementCommand).resolves({ Status: true });
    const error = await warehouse.merge(plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedshiftStatementTimeoutError);
    expect((error as Error).message).toMatch(/batch-5 \(batch of 11\) passed statementTimeoutSeconds=10: cancelled/);
    expect(mock.commandCalls(CancelStatementCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'batch-5' }]);
    // Never sleeps past the deadline: 250+500+1000+2000+4000 = 7750, then the 2250 ms left.
    expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 2250]);
  });

  it('returns normally when the statement finished just before the cancel', async () => {
    const { warehouse } = harness({ statementTimeoutSeconds: 1 });
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q-2' });
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'q-2', Status: 'STARTED' })
      .resolvesOnce({ Id: 'q-2', Status: 'STARTED' })
      .resolvesOnce({ Id: 'q-2', Status: 'STARTED' })
      .resolvesOnce({ Id: 'q-2', Status: 'STARTED' })
      .resolves({ Id: 'q-2', Status: 'FINISHED', HasResultSet: false });
    mock.on(CancelStatementCommand).rejects(new Error('Could not cancel a query that is already in FINISHED state'));
    await expect(
      warehouse.runDdl(['ALTER TABLE "analytics"."match_end" ADD COLUMN "x" BIGINT']),
    ).resolves.toBeUndefined();
    expect(mock.commandCalls(CancelStatementCommand)).toHaveLength(1);
  });

  it('refuses to merge without an IAM role for COPY', async () => {
    const { warehouse } = harness({ iamRole: undefined });
    await expect(warehouse.merge(plan)).rejects.toThrow(/needs iamRole/);
    expect(mock.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });

  it('signs in with WorkgroupName and SecretArn on serverless', async () => {
    const { warehouse } = harness({
      target: 'serverless',
      workgroupName: 'analytics-wg',
      secretArn: SECRET,
      withEvent: true,
      clusterIdentifier: undefined,
      dbUser: undefined,
    } as Partial<RedshiftConfigInput>);
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-6', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({ Id: 'batch-6', Status: 'FINISHED' });
    mock.on(GetStatementResultCommand).resolves(outcomeRows(1, 1));
    await warehouse.merge(plan);
    const input = mock.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ Database: 'dev', WorkgroupName: 'analytics-wg', SecretArn: SECRET, WithEvent: true });
    expect(input).not.toHaveProperty('ClusterIdentifier');
    expect(input).not.toHaveProperty('DbUser');
  });
});

describe('runTransaction (a table rebuild)', () => {
  const statements = [
    'CREATE TABLE "s"."t_rebuild" ("a" BIGINT)',
    'DROP TABLE "s"."t"',
    'ALTER TABLE "s"."t_rebuild" RENAME TO "t"',
  ];

  it('sends the statements as ONE BatchExecuteStatement (one transaction) and waits for it', async () => {
    const { warehouse } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'rebuild-1', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({ Id: 'rebuild-1', Status: 'FINISHED' });
    await warehouse.runTransaction(statements);
    const calls = mock.commandCalls(BatchExecuteStatementCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.Sqls).toEqual(statements);
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
  });

  it('a failed statement fails the whole transaction, naming it', async () => {
    const { warehouse } = harness();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'rebuild-2', CreatedAt: new Date(1_000_000) });
    mock.on(DescribeStatementCommand).resolves({
      Id: 'rebuild-2',
      Status: 'FAILED',
      Error: 'ERROR: Numeric data overflow',
      SubStatements: [
        { Id: 'rebuild-2:1', Status: 'FINISHED' },
        { Id: 'rebuild-2:2', Status: 'FAILED', Error: 'ERROR: Numeric data overflow', QueryString: statements[1] },
        { Id: 'rebuild-2:3', Status: 'ABORTED' },
      ],
    });
    await expect(warehouse.runTransaction(statements)).rejects.toThrow(/FAILED at statement 2 of 3/);
  });
});
