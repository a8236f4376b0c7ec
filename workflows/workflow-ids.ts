/**
 * Every workflow id Loadout starts, in one place: pure formatting, no I/O and no hashing, so the
 * workflows import it as the CLI, the workers and the tests do. Ids derived from a hash take the
 * hash as an argument; it is computed outside the workflows (core/batch-id.ts, the CLI), where
 * node:crypto may be used.
 *
 * Ids are bounded in length and hold no object names or event data. Changing one changes what a
 * running workflow's history recorded: add a new form behind `patched()` instead.
 */

/**
 * The workflow id of a batch, from its batchId (core/batch-id.ts). The environment is part of it:
 * environments sharing a namespace have their own lakes, and a batch completed for one must not
 * answer for another.
 */
export function fileBatchWorkflowId(batchId: string, environment?: string): string {
  return environment ? `loadout-filebatch-${environment}-${batchId}` : `loadout-filebatch-${batchId}`;
}

/** A replay batch, from its replayBatchIdOf (core/batch-id.ts). */
export function replayBatchWorkflowId(batchId: string, environment: string): string {
  return `loadout-replaybatch-${environment}-${batchId}`;
}

/** A replay request, from the digest of its location, window and tables (core/batch-id.ts replayWorkflowId). */
export function replayWorkflowIdOf(environment: string, requestDigest: string): string {
  return `loadout-replay-${environment}-${requestDigest}`;
}

/** The load a replay runs once its batches are staged: a child of the replay. */
export function replayLoadWorkflowId(replayWorkflowId: string): string {
  return `${replayWorkflowId}-load`;
}

/** One id per environment and table: Temporal refuses a second one while the first runs. */
export function loadTableWorkflowId(environment: string, table: string): string {
  return `loadout-load-${environment}-${table}`;
}

/** A load the CLI starts, from the digest of its reason and tables. */
export function loadRunWorkflowId(environment: string, requestDigest: string): string {
  return `loadout-load-${environment}-${requestDigest}`;
}

/** The loads a schedule starts: the schedule appends the scheduled time, one id per scheduled load. */
export function scheduledLoadWorkflowId(environment: string): string {
  return `loadout-load-${environment}-scheduled`;
}

/** The child of loadTable: one per environment and table, so two loads never migrate a table at once. */
export function tableMigrationWorkflowId(environment: string, table: string): string {
  return `loadout-migrate-${environment}-${table}`;
}

/** `loadout migrate`: the same request (tables digest, plan or apply) joins a run still going. */
export function migrateCommandWorkflowId(environment: string, apply: boolean, tablesDigest: string): string {
  return `loadout-migrate-${environment}-${apply ? 'apply' : 'plan'}-${tablesDigest}`;
}

/** The long-running discovery by listing of `loadout dev`: one per environment. */
export function discoveryWorkflowId(environment: string): string {
  return `loadout-discover-${environment}`;
}

/**
 * `loadout erase`: one per environment and player, named by the player's pseudonym (never the
 * clear id), so a repeated erasure finds the same workflow.
 */
export function erasureWorkflowId(environment: string, pseudonym: string): string {
  return `loadout-erase-${environment}-${pseudonym}`;
}

/** One per environment and table group (workflows/table-groups.ts): two loads of a table never run at once. */
export function loadTableGroupWorkflowId(environment: string, group: number): string {
  return `loadout-loadgroup-${environment}-${group}`;
}

/** The schemaMigration child of a loadTableGroup: one per environment and group. */
export function groupMigrationWorkflowId(environment: string, group: number): string {
  return `loadout-migrate-${environment}-group-${group}`;
}
