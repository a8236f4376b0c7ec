/** `loadout load [--tables a,b]`: load staged files into the warehouse now, and wait. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerLoad(program: Command): void {
  withConfigFlags(
    program.command('load').description('load staged Parquet into the warehouse (what the schedule runs), and wait'),
  )
    .option('--tables <list>', 'comma-separated tables (default: every table with staged files)')
    .option('--json', 'print one JSON document on stdout')
    .action(lazyAction(() => import('../actions/load'), 'loadCommand'));
}
