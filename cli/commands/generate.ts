/** `loadout generate`: synthetic raw telemetry for the demo game's catalog, or for N synthetic event types. */
import type { Command } from 'commander';
import { lazyAction } from '../lazy-action';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write realistic synthetic telemetry (gzip JSON lines, Firehose-style keys) into a directory')
    .option('--out <dir>', 'directory to write raw objects into')
    .option('--events <n>', 'records to write, duplicates included', '100000')
    .option('--files <n>', 'raw objects to write', '8')
    .option('--start <iso>', 'start of the window the events fall in (default: yesterday 00:00Z)')
    .option('--hours <n>', 'length of the window in hours', '24')
    .option('--players <n>', 'distinct players', '500')
    .option('--duplicates <share>', 'share of records that are re-deliveries', '0.33')
    .option('--invalid <share>', 'share of records that break a catalog rule', '0.01')
    .option('--unknown <share>', 'share of records of event types not in the catalog', '0.005')
    .option('--drift <share>', 'share of valid records with an undeclared attribute', '0.01')
    .option('--concatenated <share>', 'share of lines holding several records back to back', '0.05')
    .option('--plain', 'write .jsonl instead of .gz')
    .option('--seed <n>', 'random seed: the same options give the same bytes', '42')
    .option('--json', 'print the result, with the expected counts, as JSON')
    .option('--types <n>', 'catalog-less: N synthetic event types instead of the demo game (docs/benchmarks.md)')
    .option('--to <location>', 'with --types: a directory or s3://bucket/prefix (instead of --out)')
    .option('--zipf <exponent>', 'with --types: the i-th type weighs 1/i^exponent', '1.1')
    .option(
      '--rate <events/s>',
      'with --types: write at this steady rate in real time, one object every --object-every',
    )
    .option('--duration <d>', 'with --rate: how long, e.g. 10m')
    .option('--object-every <d>', 'with --rate: one object per interval', '10s')
    .option('--catalog-out <dir>', 'with --types: also write the types as a declared catalog (for LOADOUT_SCHEMAS)')
    .action(lazyAction(() => import('../actions/generate'), 'generateCommand'));
}
