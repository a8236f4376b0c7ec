/** `loadout replay [location] --from T --to T [--tables a,b]`: reprocess a window of raw objects and load it. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerReplay(program: Command): void {
  withConfigFlags(
    program
      .command('replay')
      .description(
        'reprocess the raw objects of a time window [from, to) through fileBatch workflows, then load the affected tables',
      )
      .argument('[location]', 'raw objects: a directory or s3://bucket/prefix (default: the configured raw zone)'),
  )
    .requiredOption('--from <time>', 'window start, ISO 8601 (inclusive), e.g. 2026-11-22T00:00:00Z')
    .requiredOption('--to <time>', 'window end, ISO 8601 (exclusive)')
    .option('--tables <list>', 'comma-separated tables to restage (default: every table)')
    .option('--no-load', 'stage only; the next scheduled load loads the files')
    .option('--json', 'print one JSON document on stdout')
    .action(lazyAction(() => import('../actions/replay'), 'replayCommand'));
}
