/** What `loadout migrate` does (its flags and help: cli/commands/migrate.ts), loaded only when it runs. */
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { LoadoutConfig } from '../../config/config-schema';
import { loadConfig } from '../../config/load-config';
import { innermostMessage } from '../../core/errors';
import { REFUSED_MIGRATION } from '../../workflows/failure-types';
import type { SchemaMigrationInput, SchemaMigrationResult } from '../../workflows/schema-migration-types';
import { tablesFrom, overridesFrom } from '../config-flags';
import { CommandError, formatTable, printJson, printText } from '../output';
import { openRuntime } from '../runtime';
import { schemaMigration } from '../../workflows/schema-migration';
import { migrateCommandWorkflowId } from '../../workflows/workflow-ids';

export interface MigrateOutcome {
  result: SchemaMigrationResult;
  /** The refusal's message (the plan), when a change was refused. */
  refused?: string;
}

/** The same request gets the same id: a repeated command joins a run still going, or starts anew after it. */
export function migrateWorkflowId(
  environment: string,
  tables: readonly string[] | undefined,
  apply: boolean,
  rebuild?: readonly string[],
): string {
  const request = JSON.stringify(tables ? [...tables].sort() : null);
  const which = createHash('sha256')
    .update(rebuild === undefined ? request : `${request}\nrebuild ${JSON.stringify([...rebuild].sort())}`)
    .digest('hex')
    .slice(0, 16);
  return migrateCommandWorkflowId(environment, apply, which);
}

export async function runMigration(
  client: Client,
  config: LoadoutConfig,
  tables: string[] | undefined,
  apply: boolean,
  rebuild?: string[],
): Promise<MigrateOutcome> {
  const input: SchemaMigrationInput = { environment: config.env, tables, apply, ...(rebuild ? { rebuild } : {}) };
  const handle = await client.workflow.start(schemaMigration, {
    workflowId: migrateWorkflowId(config.env, tables, apply, rebuild),
    taskQueue: config.temporal.taskQueue,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  try {
    return { result: (await handle.result()) as SchemaMigrationResult };
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === REFUSED_MIGRATION && cause.details?.[0] !== undefined) {
      return { result: cause.details[0] as SchemaMigrationResult, refused: cause.message };
    }
    // Another failure (an unknown table, an unreachable warehouse): its innermost reason, not "Workflow execution failed".
    if (cause instanceof Error)
      throw new CommandError(`schemaMigration ${handle.workflowId} failed: ${innermostMessage(cause)}`);
    throw error;
  }
}

export function formatMigration(outcome: MigrateOutcome): string {
  const { result } = outcome;
  const rows: (string | number)[][] = [];
  const details: string[] = [];
  for (const t of result.tables) {
    const applied = new Set(t.applied.map((c) => c.description));
    for (const c of t.plan.changes) {
      const state = applied.has(c.description)
        ? 'applied'
        : t.plan.refused.length > 0
          ? 'held back (table refused)'
          : result.apply
            ? 'not applied'
            : 'planned';
      rows.push([t.table, c.description, state]);
    }
    for (const c of t.applied.filter((a) => a.kind === 'rebuildTable')) rows.push([t.table, c.description, 'applied']);
    for (const r of t.plan.refused) {
      rows.push([t.table, r.reason, 'REFUSED']);
      details.push(`${t.table}.${r.column}: ${r.todo}`);
    }
  }
  const upToDate = result.tables
    .filter((t) => t.plan.changes.length === 0 && t.plan.refused.length === 0)
    .map((t) => t.table);
  const out: string[] = [];
  if (rows.length > 0) out.push(formatTable([['table', 'change', 'state'], ...rows]));
  if (details.length > 0) out.push('', 'what to do:', ...details.map((d) => `  ${d}`));
  if (upToDate.length > 0) out.push('', `up to date: ${upToDate.join(', ')}`);
  const planned = result.tables.some((t) => t.plan.refused.length === 0 && t.plan.changes.length > t.applied.length);
  if (!result.apply && planned)
    out.push('', 'nothing was changed: run loadout migrate --apply to apply the planned changes');
  return out.join('\n');
}

export async function migrateCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const tables = tablesFrom(options);
  const rebuild = typeof options.rebuild === 'string' ? tablesFrom({ tables: options.rebuild }) : undefined;
  if (rebuild !== undefined && options.apply !== true)
    throw new CommandError(
      `--rebuild ${rebuild.join(',')} changes the warehouse: add --apply (loadout migrate without it shows the plan)`,
    );
  const runtime = await openRuntime(config);
  let outcome: MigrateOutcome;
  try {
    outcome = await runtime.withWorker(() =>
      runMigration(runtime.client, config, tables, options.apply === true, rebuild),
    );
  } finally {
    await runtime.close();
  }
  if (options.json)
    printJson({
      ...outcome.result,
      refused: outcome.refused !== undefined,
      ...(outcome.refused ? { reason: outcome.refused } : {}),
    });
  else printText(formatMigration(outcome));
  if (outcome.refused !== undefined) throw new CommandError(outcome.refused.split('\n')[0]!);
}
