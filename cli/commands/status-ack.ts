/**
 * `loadout status ack <workflow-id|object-key>... | --all`: a person acknowledges failures, so
 * status stops counting them. Quarantine records move to quarantine-acknowledged/; failed batch
 * runs get a record under acknowledged/failed-batches/. The history stays in Temporal.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { acknowledgeFailures } from '../acknowledge';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { collectOutstanding } from '../outstanding-failures';
import { CommandError, oneLine, printJson, printText } from '../output';
import { openRuntime } from '../runtime';

export function registerStatusAck(status: Command): void {
  withConfigFlags(
    status
      .command('ack')
      .description(
        'acknowledge failed batches and quarantined objects, by workflow id or raw object key, so status stops counting them',
      )
      .argument('[targets...]', 'workflow ids or raw object keys, as loadout status shows them'),
  )
    .option('--all', 'acknowledge every outstanding failure')
    .option('--json', 'print one JSON document')
    .action(async (targets: string[], _options: unknown, command: Command) => {
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
    });
}
