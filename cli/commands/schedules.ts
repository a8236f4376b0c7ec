/** `loadout schedules apply|show`: the Temporal Schedule of this environment's loads. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerSchedules(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('the Temporal Schedule that runs the loads (production: every 6 h, playtest: daily)');
  withConfigFlags(
    schedules
      .command('apply')
      .description(
        'create or update the schedule from the configuration, and register the search attributes (idempotent)',
      ),
  )
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/schedules'), 'applyCommand'));
}
