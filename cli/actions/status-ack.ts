/** What `loadout status ack` does (its flags and help: cli/commands/status-ack.ts), loaded only when it runs. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { acknowledgeFailures } from '../acknowledge';
import { overridesFrom } from '../config-flags';
import { collectOutstanding } from '../outstanding-failures';
import { CommandError, oneLine, printJson, printText } from '../output';
import { openRuntime } from '../runtime';

export async function ackCommand(targets: string[], _options: unknown, command: Command): Promise<void> {
  // `status` declares the same flags and commander gives them to it wherever they stand.
  const options = command.optsWithGlobals<Record<string, unknown>>();
  if (targets.length === 0 && !options.all)
    throw new CommandError('name what to acknowledge: loadout status ack <workflow-id|object-key>... or --all');
  if (targets.length > 0 && options.all) throw new CommandError('give targets or --all, not both');
  const config = loadConfig(overridesFrom(options));
  const runtime = await openRuntime(config);
  try {
    const lake = openObjectStore(config.lake);
    const outstanding = await collectOutstanding(runtime.client, lake, config.env, {
      namespace: runtime.namespace,
    });
    const done = await acknowledgeFailures(lake, outstanding, targets, options.all === true);
    if (options.json) return printJson(done);
    printText(
      [
        ...done.batches.map(
          (b) =>
            `acknowledged failed batch ${oneLine(b.workflowId)} (${b.objects.length} ${b.objects.length === 1 ? 'object' : 'objects'})`,
        ),
        ...done.quarantined.map(
          (q) =>
            `acknowledged quarantined ${oneLine(q.key)} (record moved to ${oneLine(q.record.replace(/^quarantine\//, 'quarantine-acknowledged/'))})`,
        ),
        done.batches.length + done.quarantined.length === 0 ? 'nothing outstanding to acknowledge' : '',
      ].filter(Boolean),
    );
  } finally {
    await runtime.close();
  }
}
