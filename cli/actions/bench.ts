/** What `loadout bench` does (its flags and help: cli/commands/bench.ts), loaded only when it runs. */
import { spawnSync } from 'node:child_process';
import { loadCatalog } from '../../schemas/catalog';
import { benchCore } from '../bench-core';
import { benchDuckdbReference } from '../bench-duckdb-reference';
import { formatTable, printJson } from '../output';

const PINNED = 'LOADOUT_BENCH_PINNED';

/** Runs this same command again under `taskset -c 0` with one libuv thread: "one core" means one. */
function repinnedOnOneCore(): boolean {
  const probe = spawnSync('taskset', ['--version'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    process.stderr.write('taskset not found: measuring without pinning to one core\n');
    return false;
  }
  const child = spawnSync('taskset', ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [PINNED]: '1', UV_THREADPOOL_SIZE: '1' },
  });
  process.exitCode = child.status ?? 1;
  return true;
}

/** In a child process, so its memory and threads do not mix with the core's figures. */
async function runReferenceInChild(input: string) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1]!, 'bench-reference', '--input', input],
    {
      encoding: 'utf8',
      env: process.env,
    },
  );
  if (child.status !== 0) throw new Error(`the DuckDB reference failed: ${child.stderr.trim().split('\n').pop()}`);
  return JSON.parse(child.stdout) as Awaited<ReturnType<typeof benchDuckdbReference>>;
}

export async function benchCommand(o: Record<string, string | boolean | undefined>): Promise<void> {
  if (!o.allCores && !process.env[PINNED] && repinnedOnOneCore()) return;
  const catalog = await loadCatalog();
  const core = await benchCore(catalog, String(o.input), Number(o.batchObjects));
  const reference = o.reference ? await runReferenceInChild(String(o.input)) : undefined;
  const result = {
    ...core,
    one_core: Boolean(process.env[PINNED]),
    node: process.version,
    ...(reference ? { reference, ratio_vs_reference: Math.round((core.seconds / reference.seconds) * 100) / 100 } : {}),
  };
  if (o.json) {
    printJson(result);
    return;
  }
  process.stdout.write(
    `${formatTable([
      ['measure', 'value'],
      ['files / batches', `${core.files} / ${core.batches}`],
      ['events read', core.events],
      ['rows staged', core.rows_staged],
      ['seconds', core.seconds],
      ['events/s', core.events_per_sec],
      ['MB/s (gzip in)', core.mb_per_sec],
      ['MB/s (JSON decoded)', core.decoded_mb_per_sec],
      ['peak RSS MB', core.peak_rss_mb],
      ['pinned to one core', String(result.one_core)],
      ...(reference
        ? [
            ['reference', `${reference.engine}: ${reference.seconds} s, ${reference.rows_per_sec} rows/s`],
            ['loadout / reference time', String(result.ratio_vs_reference)],
          ]
        : []),
    ] as (string | number)[][])}\n`,
  );
}

export async function benchReferenceCommand(o: { input: string }): Promise<void> {
  return printJson(await benchDuckdbReference(o.input));
}
