/**
 * A RedshiftDataClient whose statements run on a real PostgreSQL, exactly as the adapter wrote them,
 * with three translations only: the Parquet COPY (Redshift reads S3; here the same rows go in with
 * plain INSERTs, by position as COPY maps Parquet columns), SYSDATE -> CURRENT_TIMESTAMP (both the
 * transaction's start; PostgreSQL has no SYSDATE), and a CREATE TABLE's Redshift-only attributes
 * (DISTSTYLE, SORTKEY: no PostgreSQL equivalent) left out. A BatchExecuteStatement runs inside BEGIN/COMMIT,
 * as the Data API runs a batch in one transaction; a failing statement rolls it back and reports
 * FAILED. Sessions: one PostgreSQL connection stands for every Data API session.
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type ColumnMetadata,
  type DescribeStatementResponse,
  type Field,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import type pg from 'pg';

/** What each manifest's Parquet files hold, row by row in file column order: the COPY's input. */
export const staged = new Map<string, unknown[][]>();

interface ExecuteInput {
  Sql: string;
  Parameters?: SqlParameter[];
  SessionKeepAliveSeconds?: number;
}

/** PostgreSQL result -> Data API fields, as the Data API types them. */
const PG_TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  701: 'float8',
  1043: 'varchar',
  1184: 'timestamptz',
  1114: 'timestamp',
};

function toField(value: unknown, oid: number): Field {
  if (value === null) return { isNull: true };
  const text = String(value);
  switch (PG_TYPE_NAMES[oid]) {
    case 'bool':
      return { booleanValue: text === 't' };
    case 'int2':
    case 'int4':
    case 'int8':
      return { longValue: Number(text) };
    case 'float8':
      return { doubleValue: Number(text) };
    default:
      return { stringValue: text };
  }
}

interface Result {
  columns: ColumnMetadata[];
  records: Field[][];
}

/** A RedshiftDataClient whose statements run on PostgreSQL. */
export function bridge(db: pg.Client) {
  const client = new RedshiftDataClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const mock = mockClient(client);
  const statements = new Map<string, DescribeStatementResponse>();
  const results = new Map<string, Result>();
  const batches: string[][] = [];
  /** Every statement sent, single or in a batch, in order, as the adapter wrote it. */
  const sent: string[] = [];
  let next = 0;

  const run = async (redshiftSql: string, parameters: readonly SqlParameter[] = []): Promise<Result> => {
    const sql = redshiftSql.replace(
      /\) DISTSTYLE [A-Z]+( (COMPOUND )?SORTKEY \("[a-z0-9_]+"(, "[a-z0-9_]+")*\))?$/,
      ')',
    );
    // Named :pN back to positional $N; the raw text of every value, as the Data API returns text.
    const values: string[] = [];
    const text = sql.replace(/:p(\d+)\b/g, (_m, n: string) => {
      const p = parameters.find((x) => x.name === `p${n}`);
      if (!p) throw new Error(`no parameter p${n}`);
      values.push(p.value!);
      return `$${values.length}`;
    });
    const r = await db.query({ text, values, types: { getTypeParser: () => (v: string) => v } });
    const fields = r.fields ?? [];
    return {
      columns: fields.map((f) => ({ name: f.name, label: f.name, typeName: PG_TYPE_NAMES[f.dataTypeID] ?? 'unknown' })),
      records: (r.rows ?? []).map((row: Record<string, unknown>) =>
        fields.map((f) => toField(row[f.name], f.dataTypeID)),
      ),
    };
  };

  /** COPY "stg" FROM 's3://...manifest' ... -> INSERT INTO "stg" VALUES (...), by position. */
  const copyAsInserts = async (sql: string) => {
    const m = /^COPY ("[a-z0-9_]+") FROM '(s3:\/\/[^']+)' IAM_ROLE '[^']+' FORMAT AS PARQUET MANIFEST$/.exec(sql);
    if (!m) throw new Error(`unexpected COPY: ${sql}`);
    const rows = staged.get(m[2]!);
    if (!rows) throw new Error(`no staged rows for ${m[2]}`);
    for (const row of rows) {
      await db.query(`INSERT INTO ${m[1]} VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, row);
    }
  };

  mock.on(ExecuteStatementCommand).callsFake(async (input: ExecuteInput) => {
    const id = `stmt-${++next}`;
    sent.push(input.Sql);
    try {
      results.set(id, await run(input.Sql, input.Parameters));
      statements.set(id, { Id: id, Status: 'FINISHED', HasResultSet: results.get(id)!.columns.length > 0 });
    } catch (error) {
      statements.set(id, { Id: id, Status: 'FAILED', Error: `ERROR: ${(error as Error).message}` });
    }
    const session = input.SessionKeepAliveSeconds !== undefined ? { SessionId: 'pg-session' } : {};
    return { Id: id, CreatedAt: new Date(), ...session };
  });

  mock.on(BatchExecuteStatementCommand).callsFake(async (input: { Sqls: string[] }) => {
    const id = `batch-${++next}`;
    batches.push(input.Sqls);
    sent.push(...input.Sqls);
    const subs: NonNullable<DescribeStatementResponse['SubStatements']> = [];
    await db.query('BEGIN');
    try {
      for (const [i, sql] of input.Sqls.entries()) {
        const subId = `${id}:${i + 1}`;
        try {
          if (sql.startsWith('COPY ')) {
            await copyAsInserts(sql);
          } else {
            results.set(subId, await run(sql.replace(/\bSYSDATE\b/g, 'CURRENT_TIMESTAMP')));
          }
          subs.push({ Id: subId, Status: 'FINISHED', QueryString: sql });
        } catch (error) {
          subs.push({ Id: subId, Status: 'FAILED', Error: `ERROR: ${(error as Error).message}`, QueryString: sql });
          for (let j = i + 1; j < input.Sqls.length; j++) subs.push({ Id: `${id}:${j + 1}`, Status: 'ABORTED' });
          throw error;
        }
      }
      await db.query('COMMIT');
      statements.set(id, { Id: id, Status: 'FINISHED', SubStatements: subs, HasResultSet: true });
    } catch (error) {
      await db.query('ROLLBACK');
      statements.set(id, {
        Id: id,
        Status: 'FAILED',
        Error: `ERROR: ${(error as Error).message}`,
        SubStatements: subs,
      });
    }
    return { Id: id, CreatedAt: new Date() };
  });

  mock.on(DescribeStatementCommand).callsFake(async (input: { Id: string }) => {
    const d = statements.get(input.Id);
    if (!d) throw new Error(`no statement ${input.Id}`);
    return d;
  });

  mock.on(GetStatementResultCommand).callsFake(async (input: { Id: string }) => {
    const r = results.get(input.Id);
    if (!r) throw new Error(`no result for ${input.Id}`);
    return { ColumnMetadata: r.columns, Records: r.records, TotalNumRows: r.records.length };
  });

  return { client, batches, sent };
}
