/** What `loadout replay` does (its flags and help: cli/commands/replay.ts), loaded only when it runs. */
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { loadConfig } from '../../config/load-config';
import { replayWorkflowId } from '../../core/batch-id';
import { innermostMessage } from '../../core/errors';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ReplayInput, ReplayProgress, ReplayResult } from '../../workflows/replay-types';
import { tablesFrom, overridesFrom } from '../config-flags';
import { StatusLine } from '../status-line';
import { CommandError, formatTable, printJson, printText } from '../output';
import { oneLine } from '../terminal-text';
import { openRuntime } from '../runtime';
import { replay, replayProgressQuery } from '../../workflows/replay';

type ReplayOutcome = ReplayResult | { error: string; progress?: ReplayProgress };

/** Starts (or joins) the replay and waits; on a terminal, redraws its progress from the `progress` query. */
export async function runReplay(
  client: Client,
  taskQueue: string,
  workflowId: string,
  input: ReplayInput,
  showProgress: boolean,
): Promise<ReplayOutcome> {
  const handle = await client.workflow.start(replay, {
    workflowId,
    taskQueue,
    args: [input],
    // A repeated replay runs again (its batches already done under the same schemas are skipped); a running one is joined.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  const line = new StatusLine();
  const timer = showProgress
    ? setInterval(() => {
        handle.query(replayProgressQuery).then(
          (p) => line.draw(progressText(p)),
          () => {},
        );
      }, 500)
    : undefined;
  try {
    return (await handle.result()) as ReplayResult;
  } catch (error) {
    const progress = await handle.query(replayProgressQuery).catch(() => undefined);
    return { error: innermostMessage(error), progress };
  } finally {
    if (timer) clearInterval(timer);
    // Closed: a query answered after this point draws nothing.
    line.close();
  }
}

function progressText(p: ReplayProgress): string {
  const width = 30;
  const done = p.batchesDone + p.batchesAlreadyDone + p.batchesFailed;
  const filled = p.batches === 0 ? 0 : Math.round((done / p.batches) * width);
  return `replay ${p.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${p.batches} batches, ${p.objects} objects of ${p.scanned} listed`;
}

function printReplay(workflowId: string, outcome: ReplayOutcome): void {
  const p = outcome.progress;
  const out: string[] = [`replay ${workflowId}`];
  if (p) {
    out.push(
      `${p.objects} objects in the window (${p.scanned} listed), ${p.batches} ${p.batches === 1 ? 'batch' : 'batches'}: ${p.batchesDone} run, ${p.batchesAlreadyDone} already done under the same schemas, ${p.batchesFailed} failed`,
    );
    const merged = new Map(
      ('load' in outcome && outcome.load ? outcome.load.tables : []).map((t) => [
        t.table,
        t.manifests.reduce((n, m) => n + m.mergedRows, 0),
      ]),
    );
    const tables = [...new Set([...Object.keys(p.rowsStaged), ...merged.keys()])].sort();
    if (tables.length > 0)
      out.push(
        '',
        formatTable([
          ['table', 'rows staged', 'rows added or changed'],
          ...tables.map((t) => [t, p.rowsStaged[t] ?? 0, merged.get(t) ?? 0] as [string, number, number]),
        ]),
      );
  }
  if ('failures' in outcome)
    for (const f of outcome.failures) out.push(`FAILED ${f.workflowId}: ${oneLine(f.message)}`);
  printText(out);
}

function isoTime(text: string, flag: string): string {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new CommandError(`${flag} ${text} is not an ISO 8601 time (e.g. 2026-11-22T00:00:00Z)`);
  return new Date(t).toISOString();
}

export async function replayCommand(location: string | undefined, options: Record<string, unknown>): Promise<void> {
  const config = loadConfig({ ...overridesFrom(options), ...(location ? { raw: location } : {}) });
  const from = isoTime(String(options.from), '--from');
  const to = isoTime(String(options.to), '--to');
  if (from >= to) throw new CommandError(`--from ${from} must be before --to ${to}`);
  const tables = tablesFrom(options);
  const runtime = await openRuntime(config);
  try {
    for (const t of tables ?? [])
      if (runtime.catalog.table(t) === undefined)
        throw new CommandError(`no schema declares table ${t} (\`loadout schema list\` shows the tables)`);
    const source = openObjectStore(config.raw).location;
    const input: ReplayInput = {
      environment: config.env,
      source,
      from,
      to,
      tables,
      load: options.load !== false,
      batchObjects: config.discovery.batchObjects,
      batchBytes: config.discovery.batchBytes,
    };
    const workflowId = replayWorkflowId(config.env, source, from, to, tables);
    const outcome = await runtime.withWorker(() =>
      runReplay(runtime.client, config.temporal.taskQueue, workflowId, input, !options.json && process.stderr.isTTY),
    );
    if (options.json) printJson({ workflowId, ...outcome });
    else printReplay(workflowId, outcome);
    if ('error' in outcome) throw new CommandError(outcome.error);
  } finally {
    await runtime.close();
  }
}
