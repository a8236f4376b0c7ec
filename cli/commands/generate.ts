/** `loadout generate`: synthetic raw telemetry for the demo game's catalog, or for N synthetic event types. */
import type { Command } from 'commander';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { generateSynthetic } from '../generate-synthetic';
import { CommandError, printJson } from '../output';

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
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const num = (name: string) => {
        const value = Number(o[name]);
        if (!Number.isFinite(value) || value < 0)
          throw new Error(`--${name} must be a non-negative number, got ${String(o[name])}`);
        return value;
      };
      if (o.types !== undefined) {
        const to = typeof o.to === 'string' ? o.to : typeof o.out === 'string' ? o.out : undefined;
        if (to === undefined) throw new CommandError('--types needs --to DIR|s3://bucket/prefix (or --out DIR)');
        return generateSynthetic({
          types: num('types'),
          to,
          events: num('events'),
          files: num('files'),
          hours: num('hours'),
          ...(typeof o.start === 'string' ? { start: new Date(o.start) } : {}),
          zipf: num('zipf'),
          duplicates: num('duplicates'),
          ...(o.rate !== undefined ? { rate: num('rate') } : {}),
          ...(typeof o.duration === 'string' ? { duration: o.duration } : {}),
          objectEvery: String(o.objectEvery),
          ...(typeof o.catalogOut === 'string' ? { catalogOut: o.catalogOut } : {}),
          gzip: !o.plain,
          seed: num('seed'),
          json: Boolean(o.json),
        });
      }
      if (typeof o.out !== 'string') throw new CommandError('--out DIR is required: the directory to write into');
      const result = await generateTelemetry({
        outDir: o.out,
        events: num('events'),
        files: num('files'),
        hours: num('hours'),
        players: num('players'),
        duplicateShare: num('duplicates'),
        invalidShare: num('invalid'),
        unknownShare: num('unknown'),
        driftShare: num('drift'),
        concatenatedShare: num('concatenated'),
        gzip: !o.plain,
        seed: num('seed'),
        ...(typeof o.start === 'string' ? { start: new Date(o.start) } : {}),
      });
      if (o.json) printJson(result);
      else {
        const bytes = result.files.reduce((n, f) => n + f.bytes, 0);
        process.stdout.write(
          `wrote ${result.records} records in ${result.files.length} files (${(bytes / 1e6).toFixed(1)} MB) under ${String(o.out)}\n`,
        );
      }
    });
}
