/** The Redshift adapter's single statements against a mocked Data API client: DDL, parameters, result pages. */
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
} from '@aws-sdk/client-redshift-data';
import { beforeEach, describe, expect, it } from 'vitest';
import { executedInputs, harness, mock, mockUtcSession, plan, SECRET } from '../../helpers/redshift-data-api-mock';

beforeEach(() => {
  mock.reset();
});

describe('single statements', () => {
  it('runs DDL one statement per ExecuteStatement, in order, each awaited', async () => {
    const { warehouse } = harness({ secretArn: SECRET, dbUser: undefined });
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake(async () => ({ Id: `ddl-${++n}` }));
    mock
      .on(DescribeStatementCommand)
      .callsFake(async (input: { Id: string }) => ({ Id: input.Id, Status: 'FINISHED' }));
    await warehouse.ensureLedger('analytics');
    const calls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Sql)).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "analytics"',
      expect.stringMatching(/^CREATE TABLE IF NOT EXISTS "analytics"."loadout_ledger" \(/),
    ]);
    for (const c of calls) {
      expect(c).toMatchObject({ Database: 'dev', ClusterIdentifier: 'loadout-prod', SecretArn: SECRET });
      expect(c).not.toHaveProperty('Parameters');
      expect(c).not.toHaveProperty('DbUser');
    }
    // The second statement was sent only after the first finished.
    expect(mock.commandCalls(DescribeStatementCommand).map((c) => c.args[0].input.Id)).toEqual(['ddl-1', 'ddl-2']);
  });

  it('passes values as Parameters, never in the SQL text', async () => {
    const { warehouse } = harness();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q-3' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q-3', Status: 'FINISHED', HasResultSet: true });
    mock
      .on(GetStatementResultCommand)
      .resolves({ ColumnMetadata: [{ label: 'n', typeName: 'int8' }], Records: [[{ longValue: 7 }]] });
    mockUtcSession();
    const rows = await warehouse.query(
      'SELECT count(*) AS n FROM "analytics"."match_end" WHERE match_id = $1 AND score > $2 AND note <> \'$1\' AND ended_at < $3',
      ["m-1'; DROP TABLE x; --", 10, new Date('2026-01-02T03:04:05.678Z')],
    );
    expect(rows).toEqual([{ n: 7 }]);
    const [input] = executedInputs();
    // In the adapter's UTC session, opened first with the target and a keep-alive.
    const open = mock.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
    expect(open).toMatchObject({
      Sql: "SET timezone TO 'UTC'",
      SessionKeepAliveSeconds: 300,
      ClusterIdentifier: 'loadout-prod',
      Database: 'dev',
    });
    expect(input).toMatchObject({ SessionId: 'session-1' });
    expect(input).not.toHaveProperty('ClusterIdentifier');
    expect(input!.Sql).toBe(
      'SELECT count(*) AS n FROM "analytics"."match_end" WHERE match_id = :p1 AND score > :p2 AND note <> \'$1\' AND ended_at < :p3',
    );
    expect(input!.Parameters).toEqual([
      { name: 'p1', value: "m-1'; DROP TABLE x; --" },
      { name: 'p2', value: '10' },
      { name: 'p3', value: '2026-01-02T03:04:05.678Z' },
    ]);
    expect(input!.Sql).not.toContain('DROP');
  });

  it('asks the ledger and information_schema with parameters', async () => {
    const { warehouse } = harness();
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake(async () => ({ Id: `q-${++n}` }));
    mock
      .on(DescribeStatementCommand)
      .callsFake(async (input: { Id: string }) => ({ Id: input.Id, Status: 'FINISHED', HasResultSet: true }));
    mock.on(GetStatementResultCommand, { Id: 'q-1' }).resolves({
      ColumnMetadata: [{ name: 'table_name', label: 'table_name', typeName: 'varchar' }],
      Records: [[{ stringValue: 'loadout_ledger_kill' }], [{ stringValue: 'loadout_ledger_match_end' }]],
    });
    mock.on(GetStatementResultCommand, { Id: 'q-2' }).resolves({
      ColumnMetadata: ['manifest_key', 'table_name', 'fingerprint', 'files', 'rows', 'loaded_at'].map((name) => ({
        name,
        label: name,
        typeName:
          name === 'loaded_at' ? 'timestamptz' : name === 'files' ? 'int4' : name === 'rows' ? 'int8' : 'varchar',
      })),
      Records: [
        [
          { stringValue: plan.manifestKey },
          { stringValue: 'match_end' },
          { stringValue: plan.fingerprint },
          { longValue: 2 },
          { longValue: 42 },
          { stringValue: '2026-11-23 09:20:00.123456+00' },
        ],
      ],
    });
    mock.on(GetStatementResultCommand, { Id: 'q-3' }).resolves({
      ColumnMetadata: [
        'column_name',
        'data_type',
        'is_nullable',
        'character_maximum_length',
        'numeric_precision',
        'numeric_scale',
      ].map((name) => ({ name, label: name })),
      Records: [
        ['match_id', 'character varying', 'NO', 1024],
        ['payload', 'character varying', 'YES', 65535],
        ['ended_at', 'timestamp with time zone', 'NO', null],
        ['score', 'bigint', 'YES', null, 64, 0],
        ['ratio', 'double precision', 'YES', null, 53],
        ['won', 'boolean', 'YES', null],
        ['amount', 'numeric', 'NO', null, 18, 4],
        ['legacy', 'numeric', 'YES', null, 10, 2],
      ].map(([name, type, nullable, length, precision, scale]) => [
        { stringValue: name as string },
        { stringValue: type as string },
        { stringValue: nullable as string },
        length === null ? { isNull: true } : { longValue: length as number },
        precision === undefined ? { isNull: true } : { longValue: precision as number },
        scale === undefined ? { isNull: true } : { longValue: scale as number },
      ]),
    });
    mock.on(GetStatementResultCommand, { Id: 'q-4' }).resolves({ ColumnMetadata: [], Records: [] });

    mockUtcSession();
    expect(await warehouse.ledger('analytics', 'match_end')).toEqual([
      {
        manifestKey: plan.manifestKey,
        table: 'match_end',
        fingerprint: plan.fingerprint,
        files: 2,
        rows: 42,
        loadedAt: new Date('2026-11-23T09:20:00.123Z'),
      },
    ]);
    expect(await warehouse.describeTable('analytics', 'match_end')).toEqual([
      { name: 'match_id', warehouseType: 'character varying', type: 'string', nullable: false, maxBytes: 1024 },
      { name: 'payload', warehouseType: 'character varying', type: 'json', nullable: true, maxBytes: 65535 },
      { name: 'ended_at', warehouseType: 'timestamp with time zone', type: 'timestamp', nullable: false },
      { name: 'score', warehouseType: 'bigint', type: 'int64', nullable: true },
      { name: 'ratio', warehouseType: 'double precision', type: 'double', nullable: true },
      { name: 'won', warehouseType: 'boolean', type: 'boolean', nullable: true },
      { name: 'amount', warehouseType: 'numeric(18,4)', type: 'decimal', nullable: false },
      { name: 'legacy', warehouseType: 'numeric(10,2)', nullable: true },
    ]);
    expect(await warehouse.describeTable('analytics', 'missing')).toBeUndefined();

    const [tables, ...inputs] = executedInputs();
    // The per-table ledgers that exist, then the union of the shared ledger and this table's.
    expect(tables!.Sql).toMatch(/FROM information_schema.tables WHERE table_schema = :p1 AND LEFT\(table_name, 15\)/);
    expect(tables!.Parameters).toEqual([{ name: 'p1', value: 'analytics' }]);
    expect(inputs[0]!.Sql).toMatch(/FROM "analytics"."loadout_ledger" WHERE "table_name" = :p1 UNION ALL /);
    expect(inputs[0]!.Sql).toContain('FROM "analytics"."loadout_ledger_match_end" WHERE "table_name" = :p1)');
    expect(inputs[0]!.Sql).not.toContain('loadout_ledger_kill');
    expect(inputs[0]!.Parameters).toEqual([{ name: 'p1', value: 'match_end' }]);
    expect(inputs[1]!.Sql).toMatch(
      /FROM information_schema.columns WHERE table_schema = :p1 AND table_name = :p2 ORDER BY ordinal_position$/,
    );
    expect(inputs[1]!.Parameters).toEqual([
      { name: 'p1', value: 'analytics' },
      { name: 'p2', value: 'match_end' },
    ]);
    expect(inputs[2]!.Parameters).toEqual([
      { name: 'p1', value: 'analytics' },
      { name: 'p2', value: 'missing' },
    ]);
    for (const input of inputs) expect(input.Sql).not.toMatch(/'(analytics|match_end|missing)'/);
  });

  it('reads every page of GetStatementResult and maps typed fields to JS values', async () => {
    const { warehouse } = harness();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q-4' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q-4', Status: 'FINISHED', HasResultSet: true });
    const columns = [
      { name: 'id', label: 'id', typeName: 'int8' },
      { name: 'name', label: 'name', typeName: 'varchar' },
      { name: 'ratio', label: 'ratio', typeName: 'float8' },
      { name: 'won', label: 'won', typeName: 'bool' },
      { name: 'at', label: 'at', typeName: 'timestamptz' },
      { name: 'naive', label: 'naive', typeName: 'timestamp' },
    ];
    const row = (i: number) => [
      { longValue: i },
      { stringValue: `p${i}` },
      { doubleValue: i / 2 },
      { booleanValue: i % 2 === 0 },
      { stringValue: `2026-01-0${i} 10:00:00+00` },
      i === 1 ? { isNull: true } : { stringValue: `2026-01-0${i} 10:00:00.5` },
    ];
    mock
      .on(GetStatementResultCommand, { Id: 'q-4' })
      .resolves({ ColumnMetadata: columns, Records: [row(1), row(2)], NextToken: 'page-2', TotalNumRows: 5 });
    mock
      .on(GetStatementResultCommand, { Id: 'q-4', NextToken: 'page-2' })
      .resolves({ ColumnMetadata: columns, Records: [row(3), row(4)], NextToken: 'page-3' });
    mock
      .on(GetStatementResultCommand, { Id: 'q-4', NextToken: 'page-3' })
      .resolves({ ColumnMetadata: columns, Records: [row(5)] });

    mockUtcSession();
    const rows = await warehouse.query('SELECT * FROM t');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toEqual({
      id: 1,
      name: 'p1',
      ratio: 0.5,
      won: false,
      at: '2026-01-01T10:00:00.000000Z',
      naive: null,
    });
    expect(rows[1]).toEqual({
      id: 2,
      name: 'p2',
      ratio: 1,
      won: true,
      at: '2026-01-02T10:00:00.000000Z',
      naive: '2026-01-02T10:00:00.500000Z',
    });
    expect(mock.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input)).toEqual([
      { Id: 'q-4' },
      { Id: 'q-4', NextToken: 'page-2' },
      { Id: 'q-4', NextToken: 'page-3' },
    ]);
  });

  it('returns no rows for a statement without a result set', async () => {
    const { warehouse } = harness();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q-5' });
    mock.on(DescribeStatementCommand).resolves({ Id: 'q-5', Status: 'FINISHED', HasResultSet: false });
    mockUtcSession();
    await expect(warehouse.query('ANALYZE "analytics"."match_end"')).resolves.toEqual([]);
    expect(mock.commandCalls(GetStatementResultCommand)).toHaveLength(0);
  });

  it('runs queries in one UTC session, opened once and again after it may have expired', async () => {
    const { warehouse, advance } = harness();
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake(async () => ({ Id: `q-${++n}` }));
    mock
      .on(DescribeStatementCommand)
      .callsFake(async (input: { Id: string }) => ({ Id: input.Id, Status: 'FINISHED', HasResultSet: false }));
    mockUtcSession();
    await Promise.all([warehouse.query('SELECT 1'), warehouse.query('SELECT 2')]);
    advance(10 * 60_000);
    await warehouse.query('SELECT 3');
    const sqls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql);
    expect(sqls).toEqual(["SET timezone TO 'UTC'", 'SELECT 1', 'SELECT 2', "SET timezone TO 'UTC'", 'SELECT 3']);
    for (const input of executedInputs()) expect(input.SessionId).toBe('session-1');
  });

  it('opens a new session after the Data API refused a statement in the old one', async () => {
    const { warehouse } = harness();
    let n = 0;
    mock
      .on(ExecuteStatementCommand)
      .callsFake(async () => ({ Id: `q-${++n}` }))
      .on(ExecuteStatementCommand, { SessionId: 'session-1', Sql: 'SELECT 2' })
      .rejects(Object.assign(new Error('Session session-1 is closed'), { name: 'ValidationException' }));
    mock
      .on(DescribeStatementCommand)
      .callsFake(async (input: { Id: string }) => ({ Id: input.Id, Status: 'FINISHED', HasResultSet: false }));
    mockUtcSession();
    await warehouse.query('SELECT 1');
    await expect(warehouse.query('SELECT 2')).rejects.toThrow(/is closed/);
    await warehouse.query('SELECT 3');
    const sqls = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql);
    expect(sqls.filter((s) => s === "SET timezone TO 'UTC'")).toHaveLength(2);
    expect(sqls.at(-1)).toBe('SELECT 3');
  });
});
