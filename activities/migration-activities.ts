/** The schema migration's activities: plan tables against the warehouse; apply tables' additive changes. */
import { ApplicationFailure } from '@temporalio/common';
import { planTableMigration, type AdditiveChange, type TablePlan } from '../stores/warehouse/plan-migration';
import { rebuildTableStatements } from '../stores/warehouse/rebuild-table';
import type { Catalog } from '../schemas/catalog';
import { createKeyIndexSql } from '../stores/warehouse/sql/merge-sql';
import type { Warehouse } from '../stores/warehouse/warehouse';
import { UNKNOWN_TABLE } from '../workflows/failure-types';
import { withWarehouse } from './warehouse-session';
import { loadTargetOf } from './load-target';
import { withLineage } from '../schemas/lineage-columns';
import type { ObjectStore } from '../stores/object/object-store';
import { tableSchemaOf } from './table-schema';
import { isInferredType } from '../core/evolution/inferred-type';
import { recordInferredVersion } from './inferred-catalog';

export interface MigrationDeps {
  catalog: Catalog;
  warehouseUrl: string;
  warehouseSchema: string;
  /** Where batches record evolved columns (activities/table-schema.ts); without it, the declared columns only. */
  lake?: ObjectStore;
}

export interface AppliedMigration {
  /** The plan as found when applying (it may differ from an earlier plan after a crash or a concurrent run). */
  plan: TablePlan;
  /** The changes whose DDL ran; none when the plan refuses anything. */
  applied: AdditiveChange[];
}

/** Plans of the listed tables (default: every declared table), in catalog order. */
export async function planMigration(deps: MigrationDeps, input: { tables?: string[] }): Promise<TablePlan[]> {
  const tables = input.tables ?? deps.catalog.tables;
  for (const table of tables) {
    if (loadTargetOf(deps, table) === undefined)
      throw ApplicationFailure.nonRetryable(`no schema declares table ${table}`, UNKNOWN_TABLE);
  }
  return withWarehouse(deps.warehouseUrl, async (warehouse) => {
    const plans: TablePlan[] = [];
    for (const table of tables) plans.push(await planOne(deps, warehouse, table));
    return plans;
  });
}

/**
 * Re-plans one table and runs its additive DDL, unless the plan refuses something. Safe to repeat:
 * after a crash midway the new plan holds only what is still missing.
 */
export async function applyMigration(deps: MigrationDeps, input: { table: string }): Promise<AppliedMigration> {
  return withWarehouse(deps.warehouseUrl, (warehouse) => applyMigrationIn(deps, warehouse, input.table));
}

/**
 * applyMigration for several tables in one warehouse session, in order: a first load of hundreds
 * of inferred types creates hundreds of tables, and a session (a DuckDB open) each cost seconds.
 */
export async function applyMigrations(deps: MigrationDeps, input: { tables: string[] }): Promise<AppliedMigration[]> {
  return withWarehouse(deps.warehouseUrl, async (warehouse) => {
    const out: AppliedMigration[] = [];
    for (const table of input.tables) out.push(await applyMigrationIn(deps, warehouse, table));
    return out;
  });
}

async function applyMigrationIn(deps: MigrationDeps, warehouse: Warehouse, table: string): Promise<AppliedMigration> {
  const target = loadTargetOf(deps, table);
  if (target === undefined) throw ApplicationFailure.nonRetryable(`no schema declares table ${table}`, UNKNOWN_TABLE);
  const plan = await planOne(deps, warehouse, table);
  if (plan.refused.length > 0) return { plan, applied: [] };
  // The schema, for a table created in a fresh warehouse.
  await warehouse.ensureLedger(target.schema);
  const applied: AdditiveChange[] = [];
  for (const change of plan.changes) {
    await warehouse.runDdl(change.sql);
    applied.push(change);
  }
  // An inferred table's schema as created or changed: versioned in the lake (activities/inferred-catalog.ts).
  if (deps.lake !== undefined && isInferredType(target.type) && applied.length > 0)
    await recordInferredVersion(
      deps.lake,
      target.type,
      (await tableSchemaOf(deps.lake, target.type)).declaration.columns,
    );
  if (warehouse.dialect === 'postgres') {
    // Asserted on every apply: a crash between CREATE TABLE and CREATE INDEX leaves a table that
    // the next plan finds complete (describeTable does not show indexes).
    await warehouse.runDdl([createKeyIndexSql(target.schema, table, target.type.uniqueKey)]);
  }
  return { plan, applied };
}

/**
 * `loadout migrate --rebuild`: rebuilds a table whose only refusals are type changes, its rows
 * converted, in one transaction (stores/warehouse/rebuild-table.ts), then plans it again. A table
 * that needs no rebuild, or refuses more than type changes, is left as it is and its plan returned.
 * Safe to repeat: once rebuilt, the table's plan holds no type change and nothing runs.
 */
export async function rebuildTable(deps: MigrationDeps, input: { table: string }): Promise<AppliedMigration> {
  const target = loadTargetOf(deps, input.table);
  if (target === undefined)
    throw ApplicationFailure.nonRetryable(`no schema declares table ${input.table}`, UNKNOWN_TABLE);
  return withWarehouse(deps.warehouseUrl, async (warehouse) => {
    const existing = await warehouse.describeTable(target.schema, input.table);
    const migrationTarget = { schema: target.schema, dialect: warehouse.dialect, types: warehouse.types };
    // Rebuilt with the lineage columns too, so the new table needs no additive step after it.
    const declared = target.lineage ? { ...target.type, columns: withLineage(target.type.columns) } : target.type;
    const plan = planTableMigration(declared, existing, migrationTarget);
    if (existing === undefined || !plan.refused.some((r) => r.kind === 'typeChange')) return { plan, applied: [] };
    const tables: string[] = [];
    for (const table of deps.catalog.tables) {
      if (table === input.table || (await warehouse.describeTable(target.schema, table))) tables.push(table);
    }
    const rebuild = rebuildTableStatements(declared, existing, plan, migrationTarget, tables);
    if ('refused' in rebuild) return { plan, applied: [] };
    await warehouse.runTransaction(rebuild.statements);
    const change: AdditiveChange = { kind: 'rebuildTable', description: rebuild.description, sql: rebuild.statements };
    return { plan: await planOne(deps, warehouse, input.table), applied: [change] };
  });
}

async function planOne(deps: MigrationDeps, warehouse: Warehouse, table: string): Promise<TablePlan> {
  const target = loadTargetOf(deps, table)!;
  const { type, schema } = target;
  const existing = await warehouse.describeTable(schema, table);
  const { declaration, evolved } = await tableSchemaOf(deps.lake, type);
  // The lineage columns are declared with the rest: an existing table gets them as added columns.
  const declared = target.lineage ? { ...declaration, columns: withLineage(declaration.columns) } : declaration;
  return planTableMigration(declared, existing, {
    schema,
    dialect: warehouse.dialect,
    types: warehouse.types,
    evolved,
  });
}
