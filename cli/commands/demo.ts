/** `loadout demo`: a day of synthetic telemetry through the whole pipeline on the embedded defaults. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerDemo(program: Command): void {
  withConfigFlags(
    program
      .command('demo')
      .description('generate a day of telemetry, run the pipeline on the embedded defaults, show the results'),
  )
    .option('--events <n>', 'records to generate when the raw zone is empty', '200000')
    .option('--json', 'print one JSON document on stdout')
    .action(lazyAction(() => import('../actions/demo'), 'demoCommand'));
}
