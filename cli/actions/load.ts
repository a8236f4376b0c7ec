/** What `loadout load` does (its flags and help: cli/commands/load.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { tablesFrom, overridesFrom } from '../config-flags';
import { failedTableLines } from '../load-failures';
import { runLoad, type LoadOutcome } from '../load-runner';
import { CommandError, formatTable, oneLine, printJson, printText } from '../output';
import { openRuntime } from '../runtime';
import { StatusLine } from '../status-line';

/** What each table merged; the tables that failed, with their reasons, below. */
function printLoad(result: LoadOutcome): void {
  const rows = result.tables.map(
    (t) =>
      [
        t.table,
        t.manifests.length,
        t.manifests.reduce((n, m) => n + m.files, 0),
        t.manifests.reduce((n, m) => n + m.mergedRows, 0),
      ] as [string, number, number, number],
  );
  const out = [formatTable([['table', 'manifests', 'files', 'rows added or changed'], ...rows])];
  if (result.alreadyLoading.length > 0)
    out.push(`already being loaded by another load: ${result.alreadyLoading.map(oneLine).join(', ')}`);
  out.push(...failedTableLines(result.failed));
  printText(out);
}

export async function loadCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const tables = tablesFrom(options);
  const runtime = await openRuntime(config);
  try {
    // Each manual load is its own request: the minute names it, so a retried command joins it.
    const result = await runtime.withWorker(() =>
      runLoad(
        runtime.client,
        config,
        `manual:${new Date().toISOString().slice(0, 16)}`,
        tables,
        options.json ? undefined : new StatusLine(),
      ),
    );
    if (options.json) printJson(result);
    else printLoad(result);
    if (result.failed.length > 0)
      throw new CommandError(
        `${result.failed.length} table(s) failed to load: ${result.failed[0]!.table}: ${result.failed[0]!.reason.split('\n')[0]}`,
      );
  } finally {
    await runtime.close();
  }
}
