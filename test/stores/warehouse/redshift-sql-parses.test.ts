/**
 * Every statement the Redshift adapter sends, parsed by a Redshift-dialect parser (sqlglot): the
 * adapter is driven against the mocked Data API through everything it does (ledger, the DDL of every
 * catalog table and of each kind of migration, a merge of every table, KPI views, reports, ledger and
 * table reads) and the Sql/Sqls it sent are collected. A syntax error fails. (The doctor's
 * statements are parsed in test/cli/doctor/run-doctor.test.ts.)
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
} from '@aws-sdk/client-redshift-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_DATA_TYPE } from '../../../core/personal/personal-data-file';
import { loadCatalog } from '../../../schemas/catalog';
import type { EventType } from '../../../schemas/define-event';
import { planTableMigration } from '../../../stores/warehouse/plan-migration';
import { REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import { createKpiViewSql, KPI_VIEWS } from '../../../stores/warehouse/sql/kpi-sql';
import { mergeStatements } from '../../../stores/warehouse/sql/merge-sql';
import { qualified } from '../../../stores/warehouse/sql/identifiers';
import type { ExistingColumn, MergePlan } from '../../../stores/warehouse/warehouse';
import { harness, mock, outcomeRows } from '../../helpers/redshift-data-api-mock';
import { redshiftParseErrors } from '../../helpers/redshift-sql-parser';

const SCHEMA = 'loadout';
const FROM_TYPE: Record<string, string> = {
  string: 'character varying',
  json: 'character varying',
  int64: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamp with time zone',
};

/** A Data API that answers everything: each statement FINISHED, batches with their outcome row, reads empty. */
function answerEverything(): string[] {
  const sent: string[] = [];
  const byId = new Map<string, string>();
  let n = 0;
  mock.reset();
  mock.on(ExecuteStatementCommand).callsFake(async (input: { Sql: string; SessionKeepAliveSeconds?: number }) => {
    sent.push(input.Sql);
    byId.set(`q-${++n}`, input.Sql);
    return { Id: `q-${n}`, ...(input.SessionKeepAliveSeconds !== undefined ? { SessionId: 'session-1' } : {}) };
  });
  mock.on(BatchExecuteStatementCommand).callsFake(async (input: { Sqls: string[] }) => {
    sent.push(...input.Sqls);
    return { Id: `b-${++n}`, CreatedAt: new Date(1_000_000) };
  });
  mock
    .on(DescribeStatementCommand)
    .callsFake(async (input: { Id: string }) => ({ Id: input.Id, Status: 'FINISHED', HasResultSet: true }));
  mock.on(GetStatementResultCommand).callsFake(async (input: { Id: string }) =>
    input.Id.startsWith('b-')
      ? outcomeRows(1, 1)
      : /information_schema.tables/.test(byId.get(input.Id) ?? '')
        ? {
            ColumnMetadata: [{ name: 'table_name', label: 'table_name', typeName: 'varchar' }],
            Records: [[{ stringValue: 'loadout_ledger_session_begin' }], [{ stringValue: 'loadout_ledger_purchase' }]],
          }
        : { ColumnMetadata: [], Records: [] },
  );
  return sent;
}

function planOf(type: EventType, schema = SCHEMA): MergePlan {
  const columns = type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));
  const manifestKey = `manifests/${type.table}/${type.fingerprint}-0a1b2c3d.json`;
  return {
    schema,
    table: type.table,
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: [{ url: `s3://lake/staged/${type.table}/${type.fingerprint}-b1.parquet`, key: 'k', bytes: 1 }],
    manifestKey,
    manifestUrl: `s3://lake/${manifestKey}`,
  };
}

/** A table as an earlier schema left it: a column missing, a nullable one NOT NULL, a type changed. */
function olderTable(type: EventType): ExistingColumn[] {
  const columns = type.columns.map((c) => ({
    name: c.name,
    warehouseType: FROM_TYPE[c.type]!,
    type: c.type,
    nullable: c.nullable,
  }));
  // json declared where a string was (widened in place on Redshift).
  for (const c of columns) if (c.type === 'json') Object.assign(c, { type: 'string' });
  const nullable = columns.find((c) => c.nullable && !type.uniqueKey.includes(c.name));
  if (nullable) nullable.nullable = false;
  const other = columns.find((c) => !type.uniqueKey.includes(c.name) && c !== nullable && c.type !== 'double');
  if (other) Object.assign(other, { type: 'double', warehouseType: 'double precision' });
  return [...columns.slice(0, -1), { name: 'legacy_col', warehouseType: 'bigint', type: 'int64', nullable: true }];
}

let types: EventType[];
let sent: string[];

beforeAll(async () => {
  types = [...(await loadCatalog()).eventTypes, PERSONAL_DATA_TYPE];
  sent = answerEverything();
  const { warehouse } = harness();
  const target = { schema: SCHEMA, dialect: 'redshift' as const, types: REDSHIFT_TYPES };
  await warehouse.ensureLedger(SCHEMA);
  for (const type of types) {
    for (const plan of [
      planTableMigration(type, undefined, target),
      planTableMigration(type, olderTable(type), target),
    ])
      await warehouse.runDdl([...plan.changes.flatMap((c) => c.sql), ...plan.refused.flatMap((r) => r.sql)]);
    await warehouse.merge(planOf(type));
    await warehouse.describeTable(SCHEMA, type.table);
    await warehouse.ledger(SCHEMA, type.table);
  }
  await warehouse.ledger(SCHEMA);
  const tables = types.map((t) => t.table);
  await warehouse.runDdl(KPI_VIEWS.map((v) => createKpiViewSql(SCHEMA, v, tables)!));
  // The reports' shape (cli/commands/query.ts): each view, and a view from a UTC date on.
  for (const view of KPI_VIEWS) await warehouse.query(`SELECT * FROM ${qualified(SCHEMA, view.name)} ORDER BY 1`);
  await warehouse.query(
    `SELECT * FROM ${qualified(SCHEMA, 'kpi_daily_active_users')} WHERE "day" >= CAST($1 AS TIMESTAMP) ORDER BY "day"`,
    ['2026-10-14'],
  );
});

describe('every statement the Redshift adapter sends', () => {
  it('covers each kind of statement', () => {
    for (const kind of [
      /^SET timezone TO 'UTC'$/,
      /^CREATE SCHEMA /,
      /^CREATE TABLE IF NOT EXISTS "loadout"."loadout_ledger" /,
      /^CREATE TABLE IF NOT EXISTS "loadout"."loadout_ledger_session_begin" /,
      /^CREATE TABLE IF NOT EXISTS "loadout"."session_begin" /,
      /^CREATE TEMP TABLE "stg_session_begin_/,
      /^COPY "stg_session_begin_.* FORMAT AS PARQUET MANIFEST$/,
      /^DELETE FROM "loadout"."session_begin" USING /,
      /^INSERT INTO "loadout"."loadout_ledger_session_begin" /,
      /^SELECT "s"."staged_rows"/,
      /^DROP TABLE IF EXISTS "stg_session_begin_/,
      /^ALTER TABLE "loadout"."session_begin" ADD COLUMN /,
      /^ALTER TABLE "loadout"."session_begin" RENAME COLUMN "date_next" TO "date"$/,
      /^CREATE OR REPLACE VIEW "loadout"."kpi_sessions_per_day" AS/,
      /^SELECT \* FROM "loadout"."kpi_daily_active_users" WHERE "day" >= CAST\(:p1 AS TIMESTAMP\)/,
      /FROM information_schema.columns /,
      /FROM information_schema.tables /,
      /^SELECT .* FROM \(SELECT .* FROM "loadout"."loadout_ledger" UNION ALL /,
    ])
      expect(
        sent.some((s) => kind.test(s)),
        String(kind),
      ).toBe(true);
    expect(sent.filter((s) => s.startsWith('COPY '))).toHaveLength(types.length);
    expect(sent.filter((s) => s.startsWith('CREATE OR REPLACE VIEW'))).toHaveLength(KPI_VIEWS.length);
  });

  it('parses, one by one, with the Redshift dialect', async () => {
    const { parser, errors } = await redshiftParseErrors([...new Set(sent)]);
    expect(parser).toMatch(/^sqlglot \d+\./);
    expect(errors.map((e) => `${e.error}\n  in: ${e.sql.slice(0, 300)}`)).toEqual([]);
  });

  it('would fail on a syntax error: a merge statement with a parenthesis dropped', async () => {
    const [, deleteSql] = mergeStatements(planOf(types[0]!));
    const broken = deleteSql!.replace(/\)(?=[^)]*$)/, '');
    const { errors } = await redshiftParseErrors(['SELECT 1', broken, 'SELECT FROM WHERE', "UNLOAD ('x') TO 's3://y'"]);
    expect(errors.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(errors[0]!.error).toMatch(/Expecting \)|Expected|Invalid/);
    expect(errors[2]!.error).toMatch(/not understood/);
  });
});
