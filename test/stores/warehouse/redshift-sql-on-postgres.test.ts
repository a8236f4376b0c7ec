/**
 * The SQL the Redshift adapter sends, executed on a real PostgreSQL through the bridge of
 * test/helpers/redshift-postgres-bridge.ts (COPY as INSERTs, SYSDATE as CURRENT_TIMESTAMP, a batch in
 * one transaction).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableSql } from '../../../stores/warehouse/sql/merge-sql';
import { RedshiftStatementError } from '../../../stores/warehouse/redshift-statement-errors';
import { redshiftMergeBatch, RedshiftWarehouse, REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import type { MergePlan, WarehouseColumn } from '../../../stores/warehouse/warehouse';
import { startPostgres, type PostgresServer } from '../../helpers/postgres-server';
import { bridge, staged } from '../../helpers/redshift-postgres-bridge';

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopy';
const SCHEMA = 'analytics';

let server: PostgresServer;
let db: pg.Client;
let warehouse: RedshiftWarehouse;
let sent: string[][];

beforeAll(async () => {
  server = await startPostgres();
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
  const b = bridge(db);
  sent = b.batches;
  warehouse = new RedshiftWarehouse(
    {
      target: 'cluster',
      clusterIdentifier: 'loadout-test',
      database: 'dev',
      dbUser: 'loader',
      iamRole: ROLE,
      pollIntervalMs: 1,
    },
    { client: b.client },
  );
  await warehouse.ensureLedger(SCHEMA);
});

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

const matchColumns: WarehouseColumn[] = [
  { name: 'match_id', type: 'string', nullable: false, maxBytes: 36 },
  { name: 'ended_at', type: 'timestamp', nullable: false },
  { name: 'score', type: 'int64', nullable: true },
  { name: 'accuracy', type: 'double', nullable: true },
  { name: 'won', type: 'boolean', nullable: true },
  { name: 'stats', type: 'json', nullable: true, maxBytes: 65535 },
];

const killColumns: WarehouseColumn[] = [
  { name: 'match_id', type: 'string', nullable: false },
  { name: 'seq', type: 'int64', nullable: false },
  { name: 'weapon', type: 'string', nullable: true },
  { name: 'at', type: 'timestamp', nullable: false },
];

function planOf(
  table: string,
  columns: WarehouseColumn[],
  uniqueKey: string[],
  load: string,
  rows: unknown[][],
): MergePlan {
  const fingerprint = 'a1b2c3d4e5f60718';
  const manifestKey = `manifests/${table}/${fingerprint}-${load}.json`;
  const manifestUrl = `s3://lake/${manifestKey}`;
  staged.set(manifestUrl, rows);
  return {
    schema: SCHEMA,
    table,
    targetColumns: columns,
    fileColumns: columns,
    fingerprint,
    uniqueKey,
    files: [
      {
        url: `s3://lake/staged/${table}/${fingerprint}-${load}.parquet`,
        key: `staged/${table}/${fingerprint}-${load}.parquet`,
        bytes: 1,
      },
    ],
    manifestKey,
    manifestUrl,
  };
}

async function tableRows(table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  return (await db.query(`SELECT * FROM "${SCHEMA}"."${table}" ORDER BY ${orderBy}`)).rows;
}

/** The manifest's rows in its table's ledger (the shared one of earlier versions is no longer written). */
async function ledgerRows(manifestKey: string): Promise<Record<string, unknown>[]> {
  const table = manifestKey.split('/')[1]!;
  return (await db.query(`SELECT * FROM "${SCHEMA}"."loadout_ledger_${table}" WHERE manifest_key = $1`, [manifestKey]))
    .rows;
}

describe('the Redshift SQL on PostgreSQL', () => {
  it('creates the tables with REDSHIFT_TYPES, and reads them back as the declared types', async () => {
    await warehouse.runDdl([
      createTableSql(SCHEMA, 'match_end', matchColumns, REDSHIFT_TYPES),
      createTableSql(SCHEMA, 'kill', killColumns, REDSHIFT_TYPES),
    ]);
    expect(await warehouse.describeTable(SCHEMA, 'match_end')).toEqual([
      { name: 'match_id', warehouseType: 'character varying', type: 'string', nullable: false, maxBytes: 36 },
      { name: 'ended_at', warehouseType: 'timestamp with time zone', type: 'timestamp', nullable: false },
      { name: 'score', warehouseType: 'bigint', type: 'int64', nullable: true },
      { name: 'accuracy', warehouseType: 'double precision', type: 'double', nullable: true },
      { name: 'won', warehouseType: 'boolean', type: 'boolean', nullable: true },
      { name: 'stats', warehouseType: 'character varying', type: 'json', nullable: true, maxBytes: 65535 },
    ]);
    expect(await warehouse.describeTable(SCHEMA, 'nope')).toBeUndefined();
  });

  it('merges one row per key (single key), in-load duplicates included, and writes the ledger row once', async () => {
    await db.query(`INSERT INTO "${SCHEMA}"."match_end" VALUES ('m-0', '2026-01-01T00:00:00Z', 1, 0.1, false, '{}')`);
    const plan = planOf('match_end', matchColumns, ['match_id'], 'load1', [
      ['m-0', '2026-01-02T10:00:00.123456Z', 10, 0.5, true, '{"k":1}'],
      ['m-1', '2026-01-02T11:00:00Z', 20, null, null, null],
      ['m-1', '2026-01-02T11:00:00Z', 20, null, null, null],
      ['m-2', '2026-01-02T12:00:00Z', 30, 0.25, false, '{"k":"é"}'],
    ]);
    const outcome = await warehouse.merge(plan);
    expect(outcome).toEqual({ applied: true, stagedRows: 3, mergedRows: 3 });
    // What was sent is the adapter's batch, statement for statement.
    expect(sent.at(-1)).toEqual(redshiftMergeBatch(plan, ROLE).sqls);

    const rows = await tableRows('match_end', 'match_id');
    expect(rows.map((r) => r.match_id)).toEqual(['m-0', 'm-1', 'm-2']);
    expect(rows[0]).toMatchObject({ score: '10', accuracy: 0.5, won: true, stats: '{"k":1}' });
    expect((rows[0]!.ended_at as Date).toISOString()).toBe('2026-01-02T10:00:00.123Z');
    const ledger = await ledgerRows(plan.manifestKey);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ table_name: 'match_end', fingerprint: plan.fingerprint, files: 1, rows: '3' });

    const entries = await warehouse.ledger(SCHEMA, 'match_end');
    expect(entries).toEqual([
      {
        manifestKey: plan.manifestKey,
        table: 'match_end',
        fingerprint: plan.fingerprint,
        files: 1,
        rows: 3,
        loadedAt: ledger[0]!.loaded_at,
      },
    ]);
    expect(entries[0]!.loadedAt).toBeInstanceOf(Date);
  });

  it('changes nothing when the same manifest runs again', async () => {
    const plan = planOf('match_end', matchColumns, ['match_id'], 'load1', [
      ['m-0', '2030-01-01T00:00:00Z', 999, 9.9, false, '{"changed":true}'],
      ['m-9', '2030-01-01T00:00:00Z', 999, 9.9, false, null],
    ]);
    const before = await tableRows('match_end', 'match_id');
    const ledgerBefore = await ledgerRows(plan.manifestKey);
    const outcome = await warehouse.merge(plan);
    // The rows the first load merged, as its ledger row recorded them: what a retried attempt reports.
    expect(outcome).toEqual({ applied: false, stagedRows: 2, mergedRows: 3 });
    expect(await tableRows('match_end', 'match_id')).toEqual(before);
    expect(await ledgerRows(plan.manifestKey)).toEqual(ledgerBefore);
    // The staging tables went with the batch.
    const temp = await db.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'stg\\_%'");
    expect(temp.rows[0].n).toBe(0);
  });

  it('replaces rows on a compound key and keeps one row per key across loads', async () => {
    const first = planOf('kill', killColumns, ['match_id', 'seq'], 'k1', [
      ['m-1', 1, 'rifle', '2026-01-02T10:00:00Z'],
      ['m-1', 2, 'pistol', '2026-01-02T10:00:01Z'],
      ['m-2', 1, 'knife', '2026-01-02T10:00:02Z'],
      ['m-2', 1, 'knife', '2026-01-02T10:00:02Z'],
    ]);
    expect(await warehouse.merge(first)).toEqual({ applied: true, stagedRows: 3, mergedRows: 3 });
    const second = planOf('kill', killColumns, ['match_id', 'seq'], 'k2', [
      ['m-1', 2, 'shotgun', '2026-01-02T10:00:01Z'],
      ['m-2', 2, 'rifle', '2026-01-02T10:00:03Z'],
      ['m-3', 1, 'bow', '2026-01-02T10:00:04Z'],
    ]);
    expect(await warehouse.merge(second)).toEqual({ applied: true, stagedRows: 3, mergedRows: 3 });
    // Again: the ledger refuses it, and every row is already there as it was (nothing left to merge).
    expect(await warehouse.merge(second)).toEqual({ applied: false, stagedRows: 0, mergedRows: 3 });

    const rows = await tableRows('kill', 'match_id, seq');
    expect(rows.map((r) => [r.match_id, Number(r.seq), r.weapon])).toEqual([
      ['m-1', 1, 'rifle'],
      ['m-1', 2, 'shotgun'],
      ['m-2', 1, 'knife'],
      ['m-2', 2, 'rifle'],
      ['m-3', 1, 'bow'],
    ]);
    const dup = await db.query(`SELECT match_id, seq FROM "${SCHEMA}"."kill" GROUP BY 1, 2 HAVING count(*) > 1`);
    expect(dup.rows).toEqual([]);
    expect(await ledgerRows(first.manifestKey)).toHaveLength(1);
    expect(await ledgerRows(second.manifestKey)).toHaveLength(1);
    expect((await warehouse.ledger(SCHEMA, 'kill')).map((e) => e.manifestKey)).toEqual([
      first.manifestKey,
      second.manifestKey,
    ]);
  });

  it('rolls the whole batch back when a statement fails, and says which one', async () => {
    const plan = planOf('match_end', matchColumns, ['match_id'], 'bad', [['m-5', null, 1, null, null, null]]);
    const before = await tableRows('match_end', 'match_id');
    const error = await warehouse.merge(plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedshiftStatementError);
    expect((error as Error).message).toMatch(
      /FAILED at statement 7 of 11 \(INSERT INTO "analytics"."match_end".*\): ERROR: .*null value in column "ended_at"/,
    );
    expect(await tableRows('match_end', 'match_id')).toEqual(before);
    expect(await ledgerRows(plan.manifestKey)).toEqual([]);
  });

  it('answers reports through query with parameters', async () => {
    const rows = await warehouse.query(
      `SELECT match_id, score, accuracy, won, ended_at FROM "${SCHEMA}"."match_end" WHERE score >= $1 AND match_id <> $2 ORDER BY match_id`,
      [10, 'm-2'],
    );
    expect(rows).toEqual([
      { match_id: 'm-0', score: 10, accuracy: 0.5, won: true, ended_at: '2026-01-02T10:00:00.123456Z' },
      { match_id: 'm-1', score: 20, accuracy: null, won: null, ended_at: '2026-01-02T11:00:00.000000Z' },
    ]);
  });

  it('never loads twice a manifest the shared ledger of an earlier version holds', async () => {
    const plan = planOf('match_end', matchColumns, ['match_id'], 'old', [
      ['m-old', '2026-01-03T00:00:00Z', 1, null, null, null],
    ]);
    await db.query(
      `INSERT INTO "${SCHEMA}"."loadout_ledger" VALUES ($1, 'match_end', $2, 1, 7, '2026-01-03T01:00:00Z')`,
      [plan.manifestKey, plan.fingerprint],
    );
    const before = await tableRows('match_end', 'match_id');
    expect(await warehouse.merge(plan)).toEqual({ applied: false, stagedRows: 1, mergedRows: 7 });
    expect(await tableRows('match_end', 'match_id')).toEqual(before);
    expect(await ledgerRows(plan.manifestKey)).toEqual([]);
    // Both ledgers read as one.
    const entries = await warehouse.ledger(SCHEMA);
    expect(entries.filter((e) => e.manifestKey === plan.manifestKey)).toHaveLength(1);
    expect(new Set(entries.map((e) => e.table))).toEqual(new Set(['match_end', 'kill']));
  });
});
