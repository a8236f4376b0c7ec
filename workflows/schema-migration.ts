/**
 * schemaMigration: the declared schemas against the warehouse tables. Plans every listed table;
 * with `apply`, runs the additive changes of each table that refuses nothing, and rebuilds the
 * tables named in `rebuild` whose type changes are their only refusals. Any refused change
 * fails the run (non-retryable, type RefusedMigration) with the plan as its message, after the
 * other tables were migrated: one table's refusal never holds back another's columns.
 */
import { ApplicationFailure, patched, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { LoadoutActivities } from '../activities';
import { DEFAULT_LOST_WORKER_TIMEOUT, TABLE_NON_RETRYABLE, quickActivityOptions } from './activity-options';
import { REFUSED_MIGRATION } from './failure-types';
import {
  refusalMessage,
  type SchemaMigrationInput,
  type SchemaMigrationResult,
  type TableMigration,
} from './schema-migration-types';
import { LOADOUT_ENVIRONMENT, LOADOUT_STAGE, LOADOUT_TABLES } from './search-attributes';
import { searchAttributeTables } from './search-attribute-values';

/** Runs started before it applied each table's changes in an activity of its own. */
const ONE_SESSION_PATCH = 'schema-migration-one-session';

export async function schemaMigration(input: SchemaMigrationInput): Promise<SchemaMigrationResult> {
  const { planMigration, applyMigration, applyMigrations, rebuildTable } = proxyActivities<LoadoutActivities>(
    quickActivityOptions(input.lostWorkerTimeout ?? DEFAULT_LOST_WORKER_TIMEOUT, TABLE_NON_RETRYABLE),
  );
  const apply = input.apply === true;
  upsertSearchAttributes([
    { key: LOADOUT_STAGE, value: 'migrating' },
    { key: LOADOUT_ENVIRONMENT, value: input.environment },
    ...(input.tables ? [{ key: LOADOUT_TABLES, value: searchAttributeTables(input.tables) }] : []),
  ]);
  try {
    const plans = await planMigration({ tables: input.tables });
    const touched = plans.filter((p) => p.changes.length > 0 || p.refused.length > 0).map((p) => p.table);
    if (input.tables === undefined && touched.length > 0)
      upsertSearchAttributes([{ key: LOADOUT_TABLES, value: searchAttributeTables(touched) }]);
    const tables: TableMigration[] = [];
    // The additive changes of every table that refuses nothing, in one activity and one warehouse
    // session: a first load of hundreds of types creates hundreds of tables. Runs before it took one
    // activity a table (below).
    const additive = plans.filter((p) => apply && p.refused.length === 0 && p.changes.length > 0);
    const batched = additive.length > 0 && patched(ONE_SESSION_PATCH);
    const outcomes = batched ? await applyMigrations({ tables: additive.map((p) => p.table) }) : [];
    // One table at a time: migrations are rare and small, and DDL on one DuckDB file is serial anyway.
    for (const plan of plans) {
      const typeChanged = plan.refused.some((r) => r.kind === 'typeChange');
      // Asked for by name only; runs that never ask (every history before it) record no marker.
      if (apply && typeChanged && input.rebuild?.includes(plan.table) && patched('schema-migration-rebuild')) {
        const outcome = await rebuildTable({ table: plan.table });
        tables.push({ table: plan.table, plan: outcome.plan, applied: outcome.applied });
      } else if (apply && plan.refused.length === 0 && plan.changes.length > 0) {
        const outcome = batched ? outcomes[additive.indexOf(plan)]! : await applyMigration({ table: plan.table });
        tables.push({ table: plan.table, plan: outcome.plan, applied: outcome.applied });
      } else {
        tables.push({ table: plan.table, plan, applied: [] });
      }
    }
    const result: SchemaMigrationResult = { environment: input.environment, apply, tables };
    if (tables.some((t) => t.plan.refused.length > 0)) {
      throw ApplicationFailure.create({
        message: refusalMessage(tables.map((t) => t.plan)),
        type: REFUSED_MIGRATION,
        nonRetryable: true,
        details: [result],
      });
    }
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: apply ? 'migrated' : 'planned' }]);
    return result;
  } catch (error) {
    upsertSearchAttributes([{ key: LOADOUT_STAGE, value: 'failed' }]);
    throw error;
  }
}
