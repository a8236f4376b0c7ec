/**
 * A warehouse made before money was exact (purchase.amount DOUBLE): the migration plan refuses
 * the type change and names `loadout migrate --rebuild`; the rebuild (the rebuildTable activity)
 * converts the rows in one transaction on DuckDB and a real PostgreSQL, keeps every row, and
 * leaves the table untouched when any row cannot be converted.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { planMigration, rebuildTable, type MigrationDeps } from '../../../activities/migration-activities';
import { DUCKDB_TYPES, DuckDbWarehouse } from '../../../stores/warehouse/duckdb-warehouse';
import { planTableMigration } from '../../../stores/warehouse/plan-migration';
import { rebuildTableStatements } from '../../../stores/warehouse/rebuild-table';
import { REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import { PostgresWarehouse } from '../../../stores/warehouse/postgres-warehouse';
import { KPI_VIEWS, createKpiViewSql } from '../../../stores/warehouse/sql/kpi-sql';
import type { Warehouse } from '../../../stores/warehouse/warehouse';
import { catalog, dir, server, usePostgresWarehouse, uuid } from '../../helpers/postgres-warehouse-fixture';

usePostgresWarehouse();

const AMOUNTS = [19.990000000000002, 4.99, 0.1 + 0.2, 1_000_000, 0];

/** purchase and session_begin as the earlier release created them, a few rows, and the KPI views. */
async function oldWarehouse(w: Warehouse, schema: string, amounts: readonly number[]): Promise<void> {
  await w.ensureLedger(schema);
  const text = w.dialect === 'duckdb' ? 'VARCHAR' : 'TEXT';
  const double = w.dialect === 'duckdb' ? 'DOUBLE' : 'DOUBLE PRECISION';
  await w.runDdl([
    `CREATE TABLE "${schema}"."purchase" ("id" ${text} NOT NULL, "date" TIMESTAMPTZ NOT NULL, "psess" ${text} NOT NULL, "player_id" ${text} NOT NULL, "sku" ${text} NOT NULL, "amount" ${double} NOT NULL, "currency" ${text} NOT NULL)`,
    `CREATE TABLE "${schema}"."session_begin" ("id" ${text} NOT NULL, "date" TIMESTAMPTZ NOT NULL, "psess" ${text} NOT NULL, "player_id" ${text} NOT NULL, "platform" ${text} NOT NULL, "app_version" ${text} NOT NULL, "detailed_logging" BOOLEAN NOT NULL, "ip" ${text}, "device_id" ${text})`,
    ...amounts.map(
      (a, n) =>
        `INSERT INTO "${schema}"."purchase" VALUES ('${uuid(n)}', TIMESTAMPTZ '2026-11-22 10:00:00+00', '${uuid(900)}', 'p${n}', 'gold', ${a}, 'EUR')`,
    ),
    ...KPI_VIEWS.flatMap((v) => createKpiViewSql(schema, v, ['purchase', 'session_begin']) ?? []),
  ]);
}

function deps(url: string, schema: string): MigrationDeps {
  return { catalog, warehouseUrl: url, warehouseSchema: schema };
}

async function amountsOf(w: Warehouse, schema: string): Promise<string[]> {
  const rows = await w.query(`SELECT CAST("amount" AS VARCHAR(48)) AS a FROM "${schema}"."purchase" ORDER BY "id"`);
  return rows.map((r) => String(r.a));
}

const targets = [
  { dialect: 'duckdb', open: () => ({ url: `duckdb:${join(dir, 'rebuild.duckdb')}` }) },
  { dialect: 'postgres', open: () => ({ url: server.url }) },
] as const;

describe.each(targets)('rebuild of purchase, amount DOUBLE to DECIMAL(18,4), on $dialect', ({ dialect, open }) => {
  const warehouseOf = (url: string): Warehouse =>
    dialect === 'duckdb' ? new DuckDbWarehouse(url.slice('duckdb:'.length)) : new PostgresWarehouse(url);

  test('refused by default with the command named; rebuilt with its rows, views and index', async () => {
    const { url } = open();
    const schema = `rebuild_${dialect}`;
    const w = warehouseOf(url);
    try {
      await oldWarehouse(w, schema, AMOUNTS);
      const [plan] = await planMigration(deps(url, schema), { tables: ['purchase'] });
      expect(plan!.refused).toEqual([expect.objectContaining({ kind: 'typeChange', column: 'amount' })]);
      expect(plan!.refused[0]!.todo).toContain('loadout migrate --rebuild purchase --apply');

      const outcome = await rebuildTable(deps(url, schema), { table: 'purchase' });
      expect(outcome.applied.map((c) => c.kind)).toEqual(['rebuildTable']);
      expect(outcome.plan.refused).toEqual([]);
      // The rebuilt table has the lineage columns too (NULL for the rows loaded before them).
      expect(outcome.plan.changes).toEqual([]);
      const described = await w.describeTable(schema, 'purchase');
      expect(described?.find((c) => c.name === 'amount')).toMatchObject({ type: 'decimal', nullable: false });
      // Every row kept; doubles converted to 4 fraction digits (float artifacts gone).
      expect(await amountsOf(w, schema)).toEqual(['19.9900', '4.9900', '0.3000', '1000000.0000', '0.0000']);
      const bookings = await w.query(
        `SELECT CAST("bookings" AS VARCHAR(48)) AS b, "purchases" FROM "${schema}"."kpi_bookings_per_hour"`,
      );
      expect(bookings).toEqual([{ b: '1000025.2800', purchases: 5 }]);
      // The views over other tables came back too.
      expect(await w.query(`SELECT COUNT(*) AS n FROM "${schema}"."kpi_events_per_hour"`)).toHaveLength(1);
      if (dialect === 'postgres') {
        const index = await w.query(
          `SELECT indexname FROM pg_indexes WHERE schemaname = '${schema}' AND tablename = 'purchase'`,
        );
        expect(index).toEqual([{ indexname: 'purchase_loadout_key' }]);
      }
      // Repeating it changes nothing.
      expect((await rebuildTable(deps(url, schema), { table: 'purchase' })).applied).toEqual([]);
    } finally {
      await w.close();
    }
  });

  test('one row that cannot be converted rolls the whole rebuild back', async () => {
    const { url } = open();
    const schema = `rebuild_${dialect}_fails`;
    const w = warehouseOf(url);
    try {
      // 10^15 does not fit DECIMAL(18,4) (14 integer digits): the INSERT ... SELECT CAST fails.
      await oldWarehouse(w, schema, [4.99, 1e15]);
      await expect(rebuildTable(deps(url, schema), { table: 'purchase' })).rejects.toThrow();
      const described = await w.describeTable(schema, 'purchase');
      expect(described?.find((c) => c.name === 'amount')?.type).toBe('double');
      expect(await w.query(`SELECT COUNT(*) AS n FROM "${schema}"."purchase"`)).toEqual([{ n: 2 }]);
      expect(await w.describeTable(schema, 'purchase_rebuild')).toBeUndefined();
      // The views were dropped inside the transaction only: they are still there.
      expect(await w.query(`SELECT "purchases" FROM "${schema}"."kpi_bookings_per_hour"`)).toEqual([{ purchases: 2 }]);
    } finally {
      await w.close();
    }
  });
});

describe('rebuild statements', () => {
  test('Redshift: one transaction of DROP VIEW, CREATE, INSERT ... SELECT CAST, DROP, RENAME, CREATE VIEW', () => {
    const type = catalog.table('purchase')!;
    const target = { schema: 'loadout', dialect: 'redshift' as const, types: REDSHIFT_TYPES };
    const existing = type.columns.map((c) => ({
      name: c.name,
      warehouseType: c.name === 'amount' ? 'double precision' : 'x',
      type: c.name === 'amount' ? ('double' as const) : c.type,
      nullable: c.nullable,
    }));
    const plan = planTableMigration(type, existing, target);
    expect(plan.refused[0]!.todo).toContain('loadout migrate --rebuild purchase --apply');
    const rebuild = rebuildTableStatements(type, existing, plan, target, ['purchase']);
    if ('refused' in rebuild) throw new Error(rebuild.refused);
    expect(rebuild.statements[0]).toBe('DROP VIEW IF EXISTS "loadout"."kpi_events_per_hour"');
    expect(rebuild.statements[1]).toBe('DROP VIEW IF EXISTS "loadout"."kpi_bookings_per_hour"');
    expect(rebuild.statements).toContain(
      'INSERT INTO "loadout"."purchase_rebuild" ("id", "date", "psess", "player_id", "sku", "amount", "currency") SELECT "id", "date", "psess", "player_id", "sku", CAST("amount" AS DECIMAL(18,4)), "currency" FROM "loadout"."purchase"',
    );
    expect(rebuild.statements).toContain('ALTER TABLE "loadout"."purchase_rebuild" RENAME TO "purchase"');
    expect(rebuild.statements.filter((s) => s.startsWith('CREATE OR REPLACE VIEW'))).toHaveLength(2);
    expect(rebuild.description).toMatch(/amount converted \(DECIMAL\(18,4\)\), its rows kept, in one transaction/);
  });

  test('a plan refusing more than type changes is not rebuilt', () => {
    const type = catalog.table('purchase')!;
    const target = { schema: 'loadout', dialect: 'duckdb' as const, types: DUCKDB_TYPES };
    const existing = [
      ...type.columns.map((c) => ({ name: c.name, warehouseType: 'x', type: c.type, nullable: c.nullable })),
      { name: 'legacy', warehouseType: 'varchar', type: 'string' as const, nullable: true },
    ].map((c) => (c.name === 'amount' ? { ...c, type: 'double' as const } : c));
    const plan = planTableMigration(type, existing, target);
    expect(rebuildTableStatements(type, existing, plan, target, ['purchase'])).toEqual({
      refused: expect.stringMatching(/^purchase is not rebuilt: legacy: .*a rebuild only converts column types$/),
    });
  });
});
