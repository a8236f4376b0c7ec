/**
 * `loadout migrate [--tables a,b] [--apply] [--rebuild a,b] [--json]`: the schemaMigration
 * workflow, plan by default; `--rebuild` with `--apply` rebuilds tables whose column types changed.
 */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerMigrate(program: Command): void {
  withConfigFlags(
    program
      .command('migrate')
      .description(
        'compare the declared schemas with the warehouse tables: plan by default, --apply to apply the additive changes',
      ),
  )
    .option('--tables <list>', 'comma-separated tables (default: every declared table)')
    .option(
      '--apply',
      'create missing tables and add missing columns (changes that would lose or reinterpret data are never applied)',
    )
    .option(
      '--rebuild <list>',
      'with --apply: rebuild these tables when their column types changed, rows converted, in one transaction',
    )
    .option('--json', 'print one JSON document on stdout')
    .action(lazyAction(() => import('../actions/migrate'), 'migrateCommand'));
}
