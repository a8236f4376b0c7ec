/**
 * Two tables' merges, interleaved statement by statement in SERIALIZABLE transactions on a real
 * PostgreSQL: the isolation Redshift always runs. With the shared ledger each merge read and wrote,
 * one of them failed with a serialization error (40001, Redshift's ERROR 1023); with a ledger per
 * table they touch nothing in common and both commit. The control shows the harness sees conflicts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLedgerSql,
  createSchemaSql,
  createStagingSql,
  createTableSql,
  mergeStatements,
  stagingTableName,
} from '../../../../stores/warehouse/sql/merge-sql';
import { ident } from '../../../../stores/warehouse/sql/identifiers';
import { POSTGRES_TYPES } from '../../../../stores/warehouse/postgres-warehouse';
import type { MergePlan, WarehouseColumn } from '../../../../stores/warehouse/warehouse';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres-server';

const SCHEMA = 'serial';
const columns: WarehouseColumn[] = [
  { name: 'id', type: 'string', nullable: false },
  { name: 'n', type: 'int64', nullable: true },
];

let server: PostgresServer;
let setup: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  setup = new pg.Client({ connectionString: server.url });
  await setup.connect();
  await setup.query(createSchemaSql(SCHEMA));
  // The shared ledger of earlier versions: every merge's guard still reads it.
  await setup.query(createLedgerSql(SCHEMA));
});

afterAll(async () => {
  await setup?.end();
  await server?.stop();
});

function planOf(table: string, load: string): MergePlan {
  const fingerprint = '0123456789abcdef';
  return {
    schema: SCHEMA,
    table,
    targetColumns: columns,
    fileColumns: columns,
    fingerprint,
    uniqueKey: ['id'],
    files: [{ url: `/lake/staged/${table}/${fingerprint}-${load}.parquet`, key: `staged/${table}/x`, bytes: 1 }],
    manifestKey: `manifests/${table}/${fingerprint}-${load}.json`,
    manifestUrl: `file:///lake/manifests/${table}/${fingerprint}-${load}.json`,
  };
}

/** A session with the plan's staging table filled, its transaction begun SERIALIZABLE, and its merge statements. */
async function session(plan: MergePlan, rewrite: (sql: string) => string = (s) => s) {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await setup.query(createTableSql(SCHEMA, plan.table, columns, POSTGRES_TYPES));
  await setup.query(`INSERT INTO ${ident(SCHEMA)}.${ident(plan.table)} VALUES ('k-0', 0), ('k-1', 1)`);
  await setup.query(createLedgerSql(SCHEMA, plan.table));
  await client.query(createStagingSql(plan, POSTGRES_TYPES));
  await client.query(`INSERT INTO ${ident(stagingTableName(plan))} VALUES ('k-1', 10), ('k-2', 20), ('k-2', 20)`);
  await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
  return { client, statements: mergeStatements(plan).map(rewrite) };
}

/** Runs the two merges statement by statement, alternating, then commits both; the SQLSTATE of each failure. */
async function interleave(a: Awaited<ReturnType<typeof session>>, b: Awaited<ReturnType<typeof session>>) {
  const failed: Record<'a' | 'b', string | undefined> = { a: undefined, b: undefined };
  const step = async (name: 'a' | 'b', sql: string) => {
    if (failed[name] !== undefined) return;
    const s = name === 'a' ? a : b;
    await s.client.query(sql).catch(async (error: { code?: string }) => {
      failed[name] = error.code ?? 'unknown';
      await s.client.query('ROLLBACK');
    });
  };
  for (let i = 0; i < a.statements.length; i++) {
    await step('a', a.statements[i]!);
    await step('b', b.statements[i]!);
  }
  await step('a', 'COMMIT');
  await step('b', 'COMMIT');
  await a.client.end();
  await b.client.end();
  return failed;
}

describe('two tables merged at once under SERIALIZABLE', () => {
  it('both commit: each merge reads and writes only its own table and ledger', async () => {
    const a = await session(planOf('alpha', 'l1'));
    const b = await session(planOf('beta', 'l1'));
    expect(a.statements.join('\n')).not.toContain('loadout_ledger_beta');
    expect(await interleave(a, b)).toEqual({ a: undefined, b: undefined });
    for (const table of ['alpha', 'beta']) {
      const rows = await setup.query(`SELECT id, n FROM ${SCHEMA}.${table} ORDER BY id`);
      expect(rows.rows).toEqual([
        { id: 'k-0', n: '0' },
        { id: 'k-1', n: '10' },
        { id: 'k-2', n: '20' },
      ]);
      const ledger = await setup.query(`SELECT manifest_key, rows FROM ${SCHEMA}.loadout_ledger_${table}`);
      expect(ledger.rows).toEqual([{ manifest_key: `manifests/${table}/0123456789abcdef-l1.json`, rows: '2' }]);
    }
  });

  it('control: the same merges sharing one ledger table fail with a serialization error', async () => {
    const a = await session(planOf('gamma', 'l1'));
    const shared = (sql: string) => sql.replaceAll('"loadout_ledger_delta"', '"loadout_ledger_gamma"');
    const b = await session(planOf('delta', 'l1'), shared);
    const failed = await interleave(a, b);
    expect(Object.values(failed)).toContain('40001');
  });
});
