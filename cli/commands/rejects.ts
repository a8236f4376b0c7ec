/** `loadout rejects`: the rejected records and unknown events loaded into the warehouse, counted and listed. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerRejects(program: Command): void {
  withConfigFlags(
    program
      .command('rejects')
      .description(
        'rejected records (loadout_rejects) counted by table, field and reason, the latest listed, and unknown events (loadout_unknown) by tag',
      ),
  )
    .option('--since <time>', 'only what was loaded at or after this UTC date or date-time')
    .option('--reason <text>', 'only reasons holding this text (case-insensitive)')
    .option('--table <table>', 'only records of this event table')
    .option('--limit <n>', 'records listed (the counts cover all)', '20')
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/rejects'), 'rejectsCommand'));
}
