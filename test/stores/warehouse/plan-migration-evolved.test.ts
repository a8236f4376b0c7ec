/** The migration planner on evolved columns (core/evolution/): added nullable, widened along the lattice, never narrowed. */
import { describe, expect, test } from 'vitest';
import { planTableMigration, type MigrationTarget } from '../../../stores/warehouse/plan-migration';
import { DUCKDB_TYPES } from '../../../stores/warehouse/duckdb-warehouse';
import { POSTGRES_TYPES } from '../../../stores/warehouse/postgres-warehouse';
import { REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import type { ExistingColumn } from '../../../stores/warehouse/warehouse';

const evolved = new Set(['level']);
const duckdb: MigrationTarget = { schema: 'loadout', dialect: 'duckdb', types: DUCKDB_TYPES, evolved };
const postgres: MigrationTarget = { schema: 'loadout', dialect: 'postgres', types: POSTGRES_TYPES, evolved };
const redshift: MigrationTarget = { schema: 'loadout', dialect: 'redshift', types: REDSHIFT_TYPES, evolved };

const declaration = (type: 'int64' | 'string' | 'double') => ({
  tag: 't',
  table: 't',
  uniqueKey: ['id'],
  columns: [
    { name: 'id', type: 'string' as const, nullable: false },
    { name: 'level', type, nullable: true },
  ],
});
const existing = (type: 'int64' | 'string' | 'double', warehouseType: string): ExistingColumn[] => [
  { name: 'id', type: 'string', warehouseType: 'text', nullable: false },
  { name: 'level', type, warehouseType, nullable: true },
];

describe('evolved columns', () => {
  test('an evolved column stored as integer and now text is widened in place, its values cast', () => {
    const plan = planTableMigration(declaration('string'), existing('int64', 'bigint'), postgres);
    expect(plan.refused).toEqual([]);
    expect(plan.changes).toEqual([
      expect.objectContaining({
        kind: 'widenColumn',
        column: 'level',
        sql: ['ALTER TABLE "loadout"."t" ALTER COLUMN "level" TYPE TEXT USING CAST("level" AS TEXT)'],
      }),
    ]);
    expect(planTableMigration(declaration('double'), existing('int64', 'bigint'), duckdb).changes[0]!.sql).toEqual([
      'ALTER TABLE "loadout"."t" ALTER COLUMN "level" TYPE DOUBLE USING CAST("level" AS DOUBLE)',
    ]);
    // Redshift retypes by copying into a new column.
    expect(
      planTableMigration(declaration('string'), existing('int64', 'bigint'), redshift).changes[0]!.sql,
    ).toHaveLength(4);
  });

  test('never narrowed: a text column the records call integer is refused, as a declared one would be', () => {
    const plan = planTableMigration(declaration('int64'), existing('string', 'text'), postgres);
    expect(plan.changes).toEqual([]);
    expect(plan.refused.map((r) => r.kind)).toEqual(['typeChange']);
  });

  test('a declared column is not widened by the lattice', () => {
    const plan = planTableMigration(declaration('string'), existing('int64', 'bigint'), {
      ...postgres,
      evolved: new Set(),
    });
    expect(plan.refused.map((r) => r.kind)).toEqual(['typeChange']);
  });
});
