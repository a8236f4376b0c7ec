/** A mocked Redshift Data API client, a merge plan and a warehouse on a fake clock, for the Redshift adapter's tests. */
import { DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import type { RedshiftConfigInput } from '../../stores/warehouse/redshift-url';
import { RedshiftWarehouse, UTC_SESSION_SQL, type PollInfo } from '../../stores/warehouse/redshift-warehouse';
import type { MergePlan } from '../../stores/warehouse/warehouse';

export const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopy';
export const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loadout-AbC123';

export const plan: MergePlan = {
  schema: 'analytics',
  table: 'match_end',
  targetColumns: [
    { name: 'match_id', type: 'string', nullable: false },
    { name: 'ended_at', type: 'timestamp', nullable: false },
    { name: 'score', type: 'int64', nullable: true },
  ],
  fileColumns: [
    { name: 'match_id', type: 'string', nullable: false },
    { name: 'ended_at', type: 'timestamp', nullable: false },
    { name: 'score', type: 'int64', nullable: true },
  ],
  fingerprint: '0123456789abcdef',
  uniqueKey: ['match_id'],
  files: [
    {
      url: 's3://lake/staged/match_end/0123456789abcdef-b1.parquet',
      key: 'staged/match_end/0123456789abcdef-b1.parquet',
      bytes: 100,
    },
    {
      url: 's3://lake/staged/match_end/0123456789abcdef-b2.parquet',
      key: 'staged/match_end/0123456789abcdef-b2.parquet',
      bytes: 200,
    },
  ],
  manifestKey: 'manifests/match_end/0123456789abcdef-5f3a.json',
  manifestUrl: 's3://lake/manifests/match_end/0123456789abcdef-5f3a.json',
};

export const client = new RedshiftDataClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
});
export const mock = mockClient(client);

/** A fake clock: sleep() records the delay and moves time forward by it. */
export function harness(config: Partial<RedshiftConfigInput> = {}) {
  let t = 1_000_000;
  const sleeps: number[] = [];
  const polls: PollInfo[] = [];
  const warehouse = new RedshiftWarehouse(
    {
      target: 'cluster',
      clusterIdentifier: 'loadout-prod',
      database: 'dev',
      dbUser: 'loader',
      iamRole: ROLE,
      ...config,
    } as RedshiftConfigInput,
    {
      client,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
      now: () => t,
      onPoll: (info) => polls.push(info),
    },
  );
  return {
    warehouse,
    sleeps,
    polls,
    advance: (ms: number) => {
      t += ms;
    },
    now: () => t,
  };
}

/** The outcome SELECT's row; `ledgerRows` null is the shape a batch of an older version returned. */
export const outcomeRows = (staged: number, applied: number, ledgerRows: number | null = staged) => ({
  ColumnMetadata: [
    { name: 'staged_rows', label: 'staged_rows', typeName: 'int8' },
    { name: 'applied', label: 'applied', typeName: 'int8' },
    ...(ledgerRows === null ? [] : [{ name: 'ledger_rows', label: 'ledger_rows', typeName: 'int8' }]),
  ],
  Records: [
    [{ longValue: staged }, { longValue: applied }, ...(ledgerRows === null ? [] : [{ longValue: ledgerRows }])],
  ],
  TotalNumRows: 1,
});

/**
 * The adapter's UTC query session: the `SET timezone` that opens it answers with a session id (and
 * finishes when polled). Call it after a test's generic stubs: the last matching stub answers.
 */
export function mockUtcSession(sessionId = 'session-1'): void {
  mock
    .on(ExecuteStatementCommand, { Sql: UTC_SESSION_SQL })
    .callsFake(async () => ({ Id: `open-${sessionId}`, SessionId: sessionId }));
  mock
    .on(DescribeStatementCommand, { Id: `open-${sessionId}` })
    .resolves({ Id: `open-${sessionId}`, Status: 'FINISHED', HasResultSet: false });
}

/** The ExecuteStatement inputs a test sent, without the session-opening SET. */
export function executedInputs() {
  return mock
    .commandCalls(ExecuteStatementCommand)
    .map((c) => c.args[0].input)
    .filter((input) => input.Sql !== UTC_SESSION_SQL);
}
