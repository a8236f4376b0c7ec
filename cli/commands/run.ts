/** `loadout run <location>`: ingest every raw object under a location, wait, print a summary. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { ingestLocation } from '../ingest';
import { CommandError, formatTable, printJson, progressReporter } from '../output';
import { openRuntime } from '../runtime';
import { summariseIngest, type RunSummary } from '../run-summary';

export function registerRun(program: Command): void {
  withConfigFlags(
    program
      .command('run')
      .description('ingest every raw object under a directory or s3://bucket/prefix, wait, and print a summary')
      .argument('[location]', 'raw objects to ingest (default: the configured raw zone)'),
  )
    .option('--json', 'print one JSON document on stdout')
    .action(async (location: string | undefined, options: Record<string, unknown>) => {
      const config = loadConfig({ ...overridesFrom(options), ...(location ? { raw: location } : {}) });
      const summary = await runPipeline(config.raw, config, { progress: !options.json });
      if (options.json) printJson(summary);
      else printRunSummary(summary);
      if (summary.failures.length > 0) throw new CommandError(`${summary.failures.length} batch(es) failed: ${summary.failures[0]!.message}`);
    });
}

export async function runPipeline(location: string, config: ReturnType<typeof loadConfig>, view: { progress: boolean }): Promise<RunSummary> {
  const runtime = await openRuntime(config);
  try {
    const source = openObjectStore(location);
    const lake = openObjectStore(config.lake);
    const outcome = await runtime.withWorker(() =>
      ingestLocation({
        client: runtime.client,
        taskQueue: config.temporal.taskQueue,
        source,
        limits: { maxObjects: config.discovery.batchObjects, maxBytes: config.discovery.batchBytes },
        environment: config.env,
        onProgress: view.progress ? progressReporter('file batches') : undefined,
      }),
    );
    return await summariseIngest(outcome, lake);
  } finally {
    await runtime.close();
  }
}

export function printRunSummary(summary: RunSummary): void {
  const out: string[] = [];
  out.push(`${summary.files} raw objects in ${summary.batches} batches: ${summary.records} records, ${summary.valid} valid, ${summary.duplicates} duplicates dropped, ${summary.rejected} rejected`);
  out.push('', formatTable([['table', 'rows'], ...Object.entries(summary.tables).sort().map(([t, n]) => [t, n] as [string, number])]));
  if (summary.rejected > 0) {
    out.push('', formatTable([['rejected because', 'records'], ...Object.entries(summary.rejectedByReason).sort((a, b) => b[1] - a[1]).map(([r, n]) => [r, n] as [string, number])]));
  }
  if (Object.keys(summary.unknown).length > 0) {
    out.push('', formatTable([['unknown event', 'records'], ...Object.entries(summary.unknown).sort().map(([t, n]) => [t, n] as [string, number])]));
  }
  if (summary.drift.length > 0) {
    out.push('', formatTable([['event', 'undeclared attribute', 'records'], ...summary.drift.map((d) => [d.event, d.attribute, d.count] as [string, string, number])]));
  }
  for (const f of summary.failures) out.push('', `FAILED ${f.workflowId}: ${f.message}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
