/** `loadout bench --input DIR`: events/s, MB/s and peak RSS of the processing core on one core. */
import type { Command } from 'commander';
import { lazyAction } from '../lazy-action';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the processing core over a directory of raw files and report events/s, MB/s and peak RSS')
    .requiredOption('--input <dir>', 'directory of raw files (e.g. from `loadout generate`)')
    .option('--batch-objects <n>', 'raw files per batch, as fileBatch workflows group them', '16')
    .option('--reference', 'also time DuckDB read_json -> COPY TO parquet (one thread) on the same files')
    .option('--all-cores', 'do not pin the process to one CPU')
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/bench'), 'benchCommand'));
}

export function registerBenchReference(program: Command): void {
  program
    .command('bench-reference', { hidden: true })
    .requiredOption('--input <dir>')
    .action(lazyAction(() => import('../actions/bench'), 'benchReferenceCommand'));
}
