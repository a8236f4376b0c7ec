/** `loadout doctor [--warehouse URL] [--json]`: a scratch load end to end on the configured warehouse, each step reported. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerDoctor(program: Command): void {
  withConfigFlags(
    program
      .command('doctor')
      .description(
        'check the warehouse end to end: a small load of every column type in a scratch schema (connect, privileges, for Redshift the COPY role and bucket region, types, merge, ledger, KPI views), then clean up',
      ),
  )
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/doctor'), 'doctorCommand'));
}
