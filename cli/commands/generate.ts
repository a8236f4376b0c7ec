/** `loadout generate`: synthetic raw telemetry for the demo game's catalog. */
import type { Command } from 'commander';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { printJson } from '../output';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write realistic synthetic telemetry (gzip JSON lines, Firehose-style keys) into a directory')
    .requiredOption('--out <dir>', 'directory to write raw objects into')
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
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const num = (name: string) => {
        const value = Number(o[name]);
        if (!Number.isFinite(value) || value < 0)
          throw new Error(`--${name} must be a non-negative number, got ${String(o[name])}`);
        return value;
      };
      const result = await generateTelemetry({
        outDir: String(o.out),
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
