/** The migration planner: every kind of difference between a declared event type and a described table. */
import { describe, expect, test } from 'vitest';
import { isEmptyPlan, planTableMigration, type MigrationTarget } from '../../../stores/warehouse/plan-migration';
import type { ColumnType } from '../../../schemas/column-types';
import { defineEvent, type EventType } from '../../../schemas/define-event';
import { integer, jsonText, number, string, timestamp, uuid } from '../../../schemas/fields';
import { DUCKDB_TYPES } from '../../../stores/warehouse/duckdb-warehouse';
import { POSTGRES_TYPES } from '../../../stores/warehouse/postgres-warehouse';
import { REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import type { ExistingColumn } from '../../../stores/warehouse/warehouse';
import { refusalMessage } from '../../../workflows/schema-migration-types';
import { z } from 'zod';

const duckdb: MigrationTarget = { schema: 'loadout', dialect: 'duckdb', types: DUCKDB_TYPES };
const postgres: MigrationTarget = { schema: 'loadout', dialect: 'postgres', types: POSTGRES_TYPES };
const redshift: MigrationTarget = { schema: 'loadout', dialect: 'redshift', types: REDSHIFT_TYPES };

const purchaseFields = {
  id: uuid(),
  date: timestamp(),
  player_id: string({ max: 64 }),
  amount: number({ min: 0 }),
  currency: string({ max: 3 }),
};
const purchase = defineEvent({ tag: 'purchase', uniqueKey: ['id'], fields: purchaseFields });

/** What a warehouse describes for these columns, as information_schema names the types (lower-case). */
function described(
  type: Pick<EventType, 'columns'>,
  overrides: Record<string, Partial<ExistingColumn>> = {},
): ExistingColumn[] {
  const names: Record<ColumnType, string> = {
    string: 'text',
    json: 'text',
    int64: 'bigint',
    double: 'double precision',
    decimal: 'numeric(18,4)',
    boolean: 'boolean',
    timestamp: 'timestamp with time zone',
  };
  // Text columns describe as string: PostgreSQL and DuckDB cannot tell json from string.
  return type.columns.map((c) => ({
    name: c.name,
    warehouseType: names[c.type],
    type: c.type === 'json' ? 'string' : c.type,
    nullable: c.nullable,
    ...overrides[c.name],
  }));
}

describe('a table that matches its schema', () => {
  test.each([duckdb, postgres, redshift])('plans nothing on $dialect', (target) => {
    const plan = planTableMigration(purchase, described(purchase), target);
    expect(plan).toEqual({ table: 'purchase', tag: 'purchase', exists: true, changes: [], refused: [] });
    expect(isEmptyPlan(plan)).toBe(true);
  });

  test('json columns describe as text: equal to string, no change (PostgreSQL, DuckDB)', () => {
    const withJson = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { ...purchaseFields, extra: jsonText(z.record(z.string(), z.number())) },
    });
    expect(isEmptyPlan(planTableMigration(withJson, described(withJson), postgres))).toBe(true);
    expect(isEmptyPlan(planTableMigration(withJson, described(withJson), duckdb))).toBe(true);
  });

  test('a warehouse column more permissive than declared (nullable, declared required) needs nothing', () => {
    const plan = planTableMigration(purchase, described(purchase, { currency: { nullable: true } }), postgres);
    expect(isEmptyPlan(plan)).toBe(true);
  });
});

describe('additive changes', () => {
  test('a missing table: CREATE TABLE with every declared column, and the key index on PostgreSQL only', () => {
    const pg = planTableMigration(purchase, undefined, postgres);
    expect(pg.exists).toBe(false);
    expect(pg.refused).toEqual([]);
    expect(pg.changes).toHaveLength(1);
    expect(pg.changes[0]!.kind).toBe('createTable');
    expect(pg.changes[0]!.sql).toEqual([
      'CREATE TABLE IF NOT EXISTS "loadout"."purchase" (\n  "id" TEXT NOT NULL,\n  "date" TIMESTAMPTZ NOT NULL,\n  "player_id" TEXT NOT NULL,\n  "amount" DOUBLE PRECISION NOT NULL,\n  "currency" TEXT NOT NULL\n)',
      'CREATE INDEX IF NOT EXISTS "purchase_loadout_key" ON "loadout"."purchase" ("id")',
    ]);
    expect(planTableMigration(purchase, undefined, duckdb).changes[0]!.sql).toHaveLength(1);
    expect(planTableMigration(purchase, undefined, redshift).changes[0]!.sql).toHaveLength(1);
  });

  test('a missing column is added nullable, even when declared required: older rows have no value', () => {
    const grown = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { ...purchaseFields, coupon: string({ max: 32 }), discount: number().optional() },
    });
    const plan = planTableMigration(grown, described(purchase), duckdb);
    expect(plan.refused).toEqual([]);
    expect(plan.changes.map((c) => [c.kind, c.column, c.sql])).toEqual([
      ['addColumn', 'coupon', ['ALTER TABLE "loadout"."purchase" ADD COLUMN "coupon" VARCHAR']],
      ['addColumn', 'discount', ['ALTER TABLE "loadout"."purchase" ADD COLUMN "discount" DOUBLE']],
    ]);
  });

  test('a column declared optional that is NOT NULL in the warehouse: DROP NOT NULL on DuckDB and PostgreSQL', () => {
    const relaxed = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { ...purchaseFields, currency: string({ max: 3 }).optional() },
    });
    for (const target of [duckdb, postgres]) {
      const plan = planTableMigration(relaxed, described(purchase), target);
      expect(plan.refused).toEqual([]);
      expect(plan.changes).toEqual([
        expect.objectContaining({
          kind: 'dropNotNull',
          column: 'currency',
          sql: ['ALTER TABLE "loadout"."purchase" ALTER COLUMN "currency" DROP NOT NULL'],
        }),
      ]);
    }
  });

  test('Redshift: a string column declared json is widened in place (its json VARCHAR is longer)', () => {
    const asJson = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { ...purchaseFields, currency: jsonText(z.string()) },
    });
    const plan = planTableMigration(
      asJson,
      described(purchase, { currency: { warehouseType: 'character varying', maxBytes: 1024 } }),
      redshift,
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({
        kind: 'widenColumn',
        sql: ['ALTER TABLE "loadout"."purchase" ALTER COLUMN "currency" TYPE VARCHAR(65535)'],
      }),
    ]);
    // The other way round (json in the warehouse, string declared) fits already.
    const back = planTableMigration(purchase, described(purchase, { currency: { type: 'json' } }), redshift);
    expect(isEmptyPlan(back)).toBe(true);
  });
});

describe('refused changes', () => {
  const retyped = defineEvent({
    tag: 'purchase',
    uniqueKey: ['id'],
    fields: { ...purchaseFields, amount: integer({ min: 0 }) },
  });

  test('a type change on DuckDB: refused with the exact ALTER ... USING CAST, nothing to apply', () => {
    const plan = planTableMigration(retyped, described(purchase), duckdb);
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toEqual([
      {
        kind: 'typeChange',
        column: 'amount',
        reason:
          'amount is double precision in loadout.purchase but declared int64 (BIGINT); converting the stored values could fail or change them',
        todo: 'to rebuild the table with its rows converted, in one transaction: loadout migrate --rebuild purchase --apply; or to convert the column in place run: ALTER TABLE "loadout"."purchase" ALTER COLUMN "amount" TYPE BIGINT USING CAST("amount" AS BIGINT); or declare amount as double again in the purchase schema (schemas/), or give the new type a new column name',
        sql: ['ALTER TABLE "loadout"."purchase" ALTER COLUMN "amount" TYPE BIGINT USING CAST("amount" AS BIGINT)'],
      },
    ]);
  });

  test('a type change on PostgreSQL drops the KPI views reading the column first (it refuses to retype under them)', () => {
    const plan = planTableMigration(retyped, described(purchase), postgres);
    expect(plan.refused[0]!.sql).toEqual([
      'DROP VIEW IF EXISTS "loadout"."kpi_bookings_per_hour"',
      'ALTER TABLE "loadout"."purchase" ALTER COLUMN "amount" TYPE BIGINT USING CAST("amount" AS BIGINT)',
    ]);
    expect(plan.refused[0]!.todo).toContain('the next load recreates the views');
  });

  test('a type change on Redshift: add, copy with a cast, drop, rename (no ALTER TYPE beyond VARCHAR length)', () => {
    const plan = planTableMigration(retyped, described(purchase), redshift);
    expect(plan.refused[0]!.sql).toEqual([
      'DROP VIEW IF EXISTS "loadout"."kpi_bookings_per_hour"',
      'ALTER TABLE "loadout"."purchase" ADD COLUMN "amount_next" BIGINT',
      'UPDATE "loadout"."purchase" SET "amount_next" = CAST("amount" AS BIGINT)',
      'ALTER TABLE "loadout"."purchase" DROP COLUMN "amount"',
      'ALTER TABLE "loadout"."purchase" RENAME COLUMN "amount_next" TO "amount"',
    ]);
  });

  test('a warehouse type Loadout does not write is a type change too', () => {
    const plan = planTableMigration(
      purchase,
      described(purchase, { amount: { warehouseType: 'numeric', type: undefined } }),
      postgres,
    );
    expect(plan.refused).toEqual([expect.objectContaining({ kind: 'typeChange', column: 'amount' })]);
    expect(plan.refused[0]!.reason).toMatch(/^amount is numeric in loadout.purchase but declared double/);
  });

  test('a column the schema no longer declares (dropped): refused, nothing dropped, the ways out named', () => {
    const shrunk = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { id: uuid(), date: timestamp(), player_id: string({ max: 64 }), amount: number() },
    });
    const plan = planTableMigration(shrunk, described(purchase), duckdb);
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toEqual([
      {
        kind: 'undeclaredColumn',
        column: 'currency',
        reason:
          'currency (text) is in loadout.purchase but the purchase schema (schemas/) no longer declares it: dropped or renamed',
        todo: 'to keep its history and load NULL into it, declare it again (optional) in the purchase schema (schemas/); to drop it with its data: ALTER TABLE "loadout"."purchase" DROP COLUMN "currency"',
        sql: [],
      },
    ]);
  });

  test('a renamed column (one undeclared, one missing of the same type): the RENAME is suggested and nothing is added', () => {
    const { currency: _, ...rest } = purchaseFields;
    const renamed = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { ...rest, currency_code: string({ max: 3 }) },
    });
    const plan = planTableMigration(renamed, described(purchase), postgres);
    // The add is planned but the table refuses, so no run applies it (the rename would then be impossible).
    expect(plan.changes.map((c) => c.column)).toEqual(['currency_code']);
    expect(plan.refused).toEqual([
      expect.objectContaining({
        kind: 'undeclaredColumn',
        column: 'currency',
        sql: ['ALTER TABLE "loadout"."purchase" RENAME COLUMN "currency" TO "currency_code"'],
      }),
    ]);
    expect(plan.refused[0]!.todo).toMatch(
      /^if it was renamed to currency_code: ALTER TABLE "loadout"."purchase" RENAME COLUMN "currency" TO "currency_code"; /,
    );
  });

  test('a unique key column missing from the table: refused (old rows would never match the merge)', () => {
    const rekeyed = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id', 'shard'],
      fields: { ...purchaseFields, shard: integer() },
    });
    const plan = planTableMigration(rekeyed, described(purchase), duckdb);
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toEqual([expect.objectContaining({ kind: 'keyColumnAdded', column: 'shard', sql: [] })]);
    expect(plan.refused[0]!.todo).toContain('ALTER TABLE "loadout"."purchase" ADD COLUMN "shard" BIGINT');
  });

  test('Redshift cannot drop NOT NULL in place: refused with the column rebuild', () => {
    const relaxed = defineEvent({
      tag: 'purchase',
      uniqueKey: ['id'],
      fields: { ...purchaseFields, currency: string({ max: 3 }).optional() },
    });
    const plan = planTableMigration(relaxed, described(purchase), redshift);
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toEqual([expect.objectContaining({ kind: 'notNullKept', column: 'currency' })]);
    expect(plan.refused[0]!.sql).toEqual([
      // Sized to the column's byte bound: 3 characters, 4 bytes each.
      'ALTER TABLE "loadout"."purchase" ADD COLUMN "currency_next" VARCHAR(12)',
      'UPDATE "loadout"."purchase" SET "currency_next" = "currency"',
      'ALTER TABLE "loadout"."purchase" DROP COLUMN "currency"',
      'ALTER TABLE "loadout"."purchase" RENAME COLUMN "currency_next" TO "currency"',
    ]);
  });

  test('the refusal message: a first line that stands alone, then each change with what to do', () => {
    const plan = planTableMigration(retyped, described(purchase), duckdb);
    const lines = refusalMessage([plan, planTableMigration(purchase, described(purchase), duckdb)]).split('\n');
    expect(lines[0]).toBe(
      'schema migration refused for purchase (amount): that table was not altered and its staged files wait until the plan is carried out',
    );
    expect(lines.slice(1)).toEqual([`purchase.amount: ${plan.refused[0]!.reason}. To do: ${plan.refused[0]!.todo}`]);
  });
});
