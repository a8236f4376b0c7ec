/** `loadout run <location>`: ingest every raw object under a location, wait, print a summary. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerRun(program: Command): void {
  withConfigFlags(
    program
      .command('run')
      .description('ingest every raw object under a directory or s3://bucket/prefix, wait, and print a summary')
      .argument('[location]', 'raw objects to ingest (default: the configured raw zone)'),
  )
    .option('--json', 'print one JSON document on stdout')
    .option('--workers <n>', 'worker processes for the batches: this one and n-1 `loadout worker` beside it', '1')
    .action(lazyAction(() => import('../actions/run'), 'runCommand'));
}
