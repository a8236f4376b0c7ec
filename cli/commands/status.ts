/**
 * `loadout status`: batches running, failures that need a person, last load per table and its
 * age, what waits; exits non-zero while a failure is outstanding. `loadout status ack` acknowledges.
 */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { registerStatusAck } from './status-ack';
import { lazyAction } from '../lazy-action';

export function registerStatus(program: Command): void {
  const status = withConfigFlags(
    program
      .command('status')
      .description(
        'batches running, failed batches and quarantined objects with their reasons, last load per table and its age, staged files waiting, rejected and unknown counts; exits non-zero while a failure is outstanding',
      ),
  )
    .option(
      '--temporal-ui <url>',
      'the Temporal UI of an external cluster, for links to failed workflows (LOADOUT_TEMPORAL_UI)',
    )
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/status'), 'statusCommand'));
  registerStatusAck(status);
}
