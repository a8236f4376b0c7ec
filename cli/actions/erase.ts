/** What `loadout erase` does (its flags and help: cli/commands/erase.ts), loaded only when it runs. */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { loadConfig } from '../../config/load-config';
import { innermostMessage } from '../../core/errors';
import { pseudonymOf } from '../../core/personal/pseudonym';
import { openPersonalKeys } from '../../stores/keys/open-personal-keys';
import { openObjectStore } from '../../stores/object/open-object-store';
import { erasure } from '../../workflows/erasure';
import type { ErasureInput, ErasureResult } from '../../workflows/erasure-types';
import { erasureWorkflowId } from '../../workflows/workflow-ids';
import { overridesFrom } from '../config-flags';
import { CommandError, formatTable, printJson, printText } from '../output';
import { oneLine } from '../terminal-text';
import { openRuntime } from '../runtime';

export const RAW_REWRITE_WARNING =
  'rewriting raw objects changes their etags: discovery takes each as a new batch, whose records load again under the same keys (the merge replaces them with themselves)';

function printErasure(workflowId: string, result: ErasureResult): void {
  const rows = result.tables.reduce((n, t) => n + t.rows, 0);
  const totals = Object.values(result.lake);
  const records = totals.reduce((n, t) => n + t.records, 0);
  const files = totals.reduce((n, t) => n + t.files, 0);
  const out = [
    `erasure ${workflowId}: pseudonym ${result.pseudonym}, recorded ${result.recordedAt}`,
    `${rows} rows deleted from ${result.tables.filter((t) => t.rows > 0).length} tables, ${records} records removed from ${files} lake files`,
    '',
    formatTable([['table', 'rows deleted'], ...result.tables.map((t) => [`${t.schema}.${t.table}`, t.rows] as const)]),
  ];
  if (result.files.length > 0)
    out.push(
      '',
      formatTable([['lake file', 'records removed'], ...result.files.map((f) => [oneLine(f.key), f.removed] as const)]),
    );
  if (files > result.files.length) out.push(`(${files - result.files.length} more lake files not listed)`);
  const raw = result.raw;
  if (raw)
    out.push(
      '',
      raw.filesRewritten === 0
        ? 'raw zone: no object held the player'
        : formatTable([
            ['raw object', 'records removed'],
            ...raw.files.map((f) => [oneLine(f.key), f.removed] as const),
          ]),
    );
  if (raw && raw.filesRewritten > raw.files.length)
    out.push(`(${raw.filesRewritten - raw.files.length} more raw objects not listed)`);
  printText(out);
}

export async function eraseCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const player = String(options.player);
  if (player === '') throw new CommandError('--player needs the player id');
  const keys = await openPersonalKeys(config);
  const pseudonym = pseudonymOf(keys.personal.pseudonymKey, player);
  const input: ErasureInput = {
    environment: config.env,
    pseudonym,
    ...(options.rewriteRaw ? { rawSource: openObjectStore(config.raw).location } : {}),
  };
  if (options.rewriteRaw) process.stderr.write(`loadout: warning: ${RAW_REWRITE_WARNING}\n`);
  const workflowId = erasureWorkflowId(config.env, pseudonym);
  const runtime = await openRuntime(config);
  let result: ErasureResult;
  try {
    result = await runtime.withWorker(async () => {
      const handle = await runtime.client.workflow.start(erasure, {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [input],
        // A repeated erasure runs again and finds nothing more; one still running is joined.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      return handle.result();
    });
  } catch (error) {
    throw new CommandError(`erasure ${workflowId} failed: ${innermostMessage(error)}`);
  } finally {
    await runtime.close();
  }
  if (options.json) printJson({ workflowId, ...result });
  else printErasure(workflowId, result);
}
