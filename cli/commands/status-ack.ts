/**
 * `loadout status ack <workflow-id|object-key>... | --all`: a person acknowledges failures, so
 * status stops counting them. Quarantine records move to quarantine-acknowledged/; failed batch
 * runs get a record under acknowledged/failed-batches/. The history stays in Temporal.
 */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

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
    .action(lazyAction(() => import('../actions/status-ack'), 'ackCommand'));
}
