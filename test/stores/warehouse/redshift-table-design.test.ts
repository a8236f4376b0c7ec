/**
 * Table DDL per dialect for the shipped catalog, and Redshift's run on a real PostgreSQL in the
 * style of redshift-sql-on-postgres.test.ts: the statements as the planner and the adapter write
 * them, with only Redshift's table attributes (DISTSTYLE, SORTKEY: no PostgreSQL equivalent), the
 * Parquet COPY (INSERTs of the same rows, by position) and SYSDATE translated.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import { warehouseColumnOf } from '../../../schemas/column-types';
import { DUCKDB_TYPES } from '../../../stores/warehouse/duckdb-warehouse';
import { planTableMigration, type MigrationTarget } from '../../../stores/warehouse/plan-migration';
import { POSTGRES_TYPES } from '../../../stores/warehouse/postgres-warehouse';
import { redshiftMergeBatch, REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import type { MergePlan } from '../../../stores/warehouse/warehouse';
import { startPostgres, type PostgresServer } from '../../helpers/postgres-server';

const SCHEMA = 'loadout';
const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopy';
const redshift: MigrationTarget = { schema: SCHEMA, dialect: 'redshift', types: REDSHIFT_TYPES };

let catalog: Catalog;
let server: PostgresServer;
let db: pg.Client;

beforeAll(async () => {
  catalog = await loadCatalog();
  server = await startPostgres();
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
  await db.query(`CREATE SCHEMA ${SCHEMA}`);
});

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

function createSql(table: string, target: MigrationTarget): string[] {
  const plan = planTableMigration(catalog.table(table)!, undefined, target);
  return plan.changes.flatMap((c) => c.sql);
}

/** Redshift's statement as PostgreSQL runs it: table attributes dropped, SYSDATE for the transaction start. */
function onPostgres(sql: string): string {
  return sql
    .replace(/\) DISTSTYLE AUTO( COMPOUND SORTKEY \("[a-z_]+"\))?$/, ')')
    .replace(/\bSYSDATE\b/g, 'CURRENT_TIMESTAMP');
}

describe('CREATE TABLE per dialect', () => {
  test('Redshift: text in bytes (uuids VARCHAR(36)), the unique key as PRIMARY KEY, DISTSTYLE AUTO, sorted on date', () => {
    const [sql] = createSql('purchase', redshift);
    expect(sql).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "loadout"."purchase" (',
        '  "id" VARCHAR(36) NOT NULL,',
        '  "date" TIMESTAMPTZ NOT NULL,',
        '  "psess" VARCHAR(36) NOT NULL,',
        '  "player_id" VARCHAR(32) NOT NULL,',
        '  "sku" VARCHAR(256) NOT NULL,',
        `  "amount" ${REDSHIFT_TYPES.decimal} NOT NULL,`,
        '  "currency" VARCHAR(3) NOT NULL,',
        '  PRIMARY KEY ("id")',
        ') DISTSTYLE AUTO COMPOUND SORTKEY ("date")',
      ].join('\n'),
    );
    // Compound keys too: the primary key is the pair, the sort key still the event time.
    expect(createSql('damage_taken', redshift)[0]).toMatch(
      / {2}PRIMARY KEY \("gsess", "hit_id"\)\n\) DISTSTYLE AUTO COMPOUND SORTKEY \("date"\)$/,
    );
    expect(createSql('loadout_changed', redshift)[0]).toContain('"items" VARCHAR(65535) NOT NULL');
    for (const table of catalog.tables)
      expect(createSql(table, redshift)[0]).not.toMatch(/VARCHAR\(1024\)|VARCHAR\b(?!\()/);
  });

  test('PostgreSQL: TEXT and a key index; DuckDB: VARCHAR; neither sized (bounds hold at ingest)', () => {
    const [table, index] = createSql('purchase', { schema: SCHEMA, dialect: 'postgres', types: POSTGRES_TYPES });
    expect(table).toContain('"id" TEXT NOT NULL');
    expect(table).not.toMatch(/PRIMARY KEY|DISTSTYLE|VARCHAR/);
    expect(index).toMatch(/^CREATE INDEX IF NOT EXISTS "purchase_loadout_key"/);
    const [duck] = createSql('purchase', { schema: SCHEMA, dialect: 'duckdb', types: DUCKDB_TYPES });
    expect(duck).toContain('"currency" VARCHAR NOT NULL');
    expect(duck).not.toMatch(/VARCHAR\(|PRIMARY KEY|DISTSTYLE/);
  });
});

describe('the Redshift DDL and merge on PostgreSQL', () => {
  test('every shipped table is created; a merge stages timestamps as TIMESTAMP and stores the UTC instant', async () => {
    for (const table of catalog.tables) for (const sql of createSql(table, redshift)) await db.query(onPostgres(sql));
    const type = catalog.table('damage_taken')!;
    const columns = type.columns.map(warehouseColumnOf);
    const plan: MergePlan = {
      schema: SCHEMA,
      table: 'damage_taken',
      targetColumns: columns,
      fileColumns: columns,
      fingerprint: type.fingerprint,
      uniqueKey: type.uniqueKey,
      files: [{ url: 's3://lake/staged/damage_taken/f.parquet', key: 'staged/damage_taken/f.parquet', bytes: 1 }],
      manifestKey: 'manifests/damage_taken/m.json',
      manifestUrl: 's3://lake/manifests/damage_taken/m.json',
    };
    const g = '0f8fad5b-d9cb-469f-a165-70867728950e';
    // What the Parquet file holds for a TIMESTAMP column: the UTC wall time, with no zone.
    const rows = [[g, '7c9e6679-7425-40de-944b-e07fc1f90ae7', '2026-11-22 10:00:00.123456', g, 'rifle', 12.5]];
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.loadout_ledger (manifest_key VARCHAR(1024) PRIMARY KEY, table_name VARCHAR(128), fingerprint VARCHAR(16), files INTEGER, rows BIGINT, loaded_at TIMESTAMPTZ)`,
    );
    // A session zone other than UTC: the conversion must not depend on it.
    await db.query("SET TIME ZONE 'America/New_York'");
    await db.query('BEGIN');
    for (const sql of redshiftMergeBatch(plan, ROLE).sqls) {
      if (sql.startsWith('COPY ')) {
        const staging = /^COPY ("[a-z0-9_]+")/.exec(sql)![1]!;
        for (const row of rows) await db.query(`INSERT INTO ${staging} VALUES ($1, $2, $3, $4, $5, $6)`, row);
      } else {
        if (/^CREATE TEMP TABLE "stg_damage_taken_[0-9a-f]+" \(/.test(sql)) expect(sql).toContain('"date" TIMESTAMP,');
        await db.query(onPostgres(sql));
      }
    }
    await db.query('COMMIT');
    await db.query("SET TIME ZONE 'UTC'");
    const { rows: stored } = await db.query(`SELECT date, source FROM ${SCHEMA}.damage_taken`);
    expect(stored).toHaveLength(1);
    expect((stored[0].date as Date).toISOString()).toBe('2026-11-22T10:00:00.123Z');
    const { rows: micros } = await db.query(
      `SELECT to_char(date, 'YYYY-MM-DD HH24:MI:SS.US') AS t FROM ${SCHEMA}.damage_taken`,
    );
    expect(micros[0].t).toBe('2026-11-22 10:00:00.123456');
  });

  test('a narrower VARCHAR is widened in place; a wider one (the VARCHAR(1024) uuids of older tables) is left alone', async () => {
    await db.query(`DROP TABLE IF EXISTS ${SCHEMA}.session_end`);
    await db.query(
      `CREATE TABLE ${SCHEMA}.session_end (id VARCHAR(1024) NOT NULL, date TIMESTAMPTZ NOT NULL, psess VARCHAR(1024) NOT NULL, duration_s DOUBLE PRECISION NOT NULL, reason VARCHAR(4) NOT NULL)`,
    );
    const described = (
      await db.query(
        "SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'session_end' ORDER BY ordinal_position",
        [SCHEMA],
      )
    ).rows.map((r: Record<string, unknown>) => ({
      name: String(r.column_name),
      warehouseType: String(r.data_type),
      type:
        r.data_type === 'character varying'
          ? ('string' as const)
          : r.data_type === 'double precision'
            ? ('double' as const)
            : ('timestamp' as const),
      nullable: r.is_nullable === 'YES',
      ...(r.character_maximum_length === null ? {} : { maxBytes: Number(r.character_maximum_length) }),
    }));
    const plan = planTableMigration(catalog.table('session_end')!, described, redshift);
    expect(plan.refused).toEqual([]);
    expect(plan.changes).toEqual([
      {
        kind: 'widenColumn',
        column: 'reason',
        description: 'widen reason from character varying(4) to VARCHAR(10)',
        sql: ['ALTER TABLE "loadout"."session_end" ALTER COLUMN "reason" TYPE VARCHAR(10)'],
      },
    ]);
    for (const sql of plan.changes.flatMap((c) => c.sql)) await db.query(sql);
    await db.query(`INSERT INTO ${SCHEMA}.session_end VALUES ($1, now(), $1, 1, 'disconnect')`, [
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    ]);
  });
});
