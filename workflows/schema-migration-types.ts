/** Input and result of the schemaMigration workflow: JSON, so the stock `temporal workflow start --input` can start it. */
import type { AdditiveChange, TablePlan } from '../stores/warehouse/plan-migration';

export interface SchemaMigrationInput {
  environment: string;
  /** Only these tables (default: every table the catalog declares). */
  tables?: string[];
  /** Apply the additive changes (default false: plan only). */
  apply?: boolean;
  /**
   * With `apply`: rebuild these tables when their only refusals are type changes, rows converted,
   * in one transaction (`loadout migrate --rebuild`). Default none: type changes are refused.
   */
  rebuild?: string[];
  /** How soon a vanished worker's activity is retried elsewhere, e.g. '30s' (default 2m). */
  lostWorkerTimeout?: string;
}

export interface TableMigration {
  table: string;
  plan: TablePlan;
  /** Changes whose DDL ran in this run. */
  applied: AdditiveChange[];
}

export interface SchemaMigrationResult {
  environment: string;
  apply: boolean;
  tables: TableMigration[];
}

/** The refusal as a message: a first line that stands alone, then one line per refused change. */
export function refusalMessage(plans: readonly TablePlan[]): string {
  const refused = plans.filter((p) => p.refused.length > 0);
  const head =
    `schema migration refused for ${refused.map((p) => `${p.table} (${p.refused.map((r) => r.column).join(', ')})`).join(', ')}: ` +
    `${refused.length === 1 ? 'that table was' : 'those tables were'} not altered and ${refused.length === 1 ? 'its' : 'their'} staged files wait until the plan is carried out`;
  return [
    head,
    ...refused.flatMap((p) => p.refused.map((r) => `${p.table}.${r.column}: ${r.reason}. To do: ${r.todo}`)),
  ].join('\n');
}

export function createdTable(applied: readonly AdditiveChange[]): boolean {
  return applied.some((c) => c.kind === 'createTable');
}

export function addedColumns(applied: readonly AdditiveChange[]): string[] {
  return applied.filter((c) => c.kind === 'addColumn').map((c) => c.column!);
}
