#!/usr/bin/env node
/**
 * `loadout bench` of two builds in turns, on the same files, in the same minutes: this machine's
 * speed swings by a third from one minute to the next, so builds are only compared side by side.
 *
 *   node scripts/bench-ab.mjs --base <git rev> [--input /tmp/bench/corpus] [--rounds 3] [--reference]
 *
 * The base build is checked out in a temporary git worktree that borrows this checkout's
 * node_modules (so its dependencies must still be installed here); the other build is this
 * working tree. Prints one JSON line per run, then a summary per build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    input: { type: 'string', default: '/tmp/bench/corpus' },
    rounds: { type: 'string', default: '3' },
    reference: { type: 'boolean', default: false },
  },
});
if (!values.base) {
  console.error('usage: node scripts/bench-ab.mjs --base <git rev> [--input DIR] [--rounds N] [--reference]');
  process.exit(2);
}

const root = resolve(import.meta.dirname, '..');
const baseDir = join(mkdtempSync(join(tmpdir(), 'loadout-bench-base-')), 'tree');
execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--quiet', baseDir, values.base], { stdio: 'inherit' });
symlinkSync(join(root, 'node_modules'), join(baseDir, 'node_modules'));
const builds = [
  { name: `base ${values.base}`, dir: baseDir },
  { name: 'this tree', dir: root },
];

function bench(dir) {
  const args = [
    join(dir, 'bin/loadout.js'),
    'bench',
    '--input',
    values.input,
    '--json',
    ...(values.reference ? ['--reference'] : []),
  ];
  const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench in ${dir} failed: ${run.stderr.trim().split('\n').pop()}`);
  return JSON.parse(run.stdout);
}

const results = new Map(builds.map((b) => [b.name, []]));
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    // Alternate which build goes first, so neither always runs on a warmer page cache.
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      const r = bench(build.dir);
      results.get(build.name).push(r);
      console.log(
        JSON.stringify({
          at: new Date().toISOString(),
          build: build.name,
          seconds: r.seconds,
          events_per_sec: r.events_per_sec,
          cpu_seconds: r.cpu_seconds,
          peak_rss_mb: r.peak_rss_mb,
          rows_staged: r.rows_staged,
          duplicates: r.stats.duplicates,
          rejected: r.stats.rejected,
          ...(r.reference ? { reference_seconds: r.reference.seconds, ratio_vs_reference: r.ratio_vs_reference } : {}),
        }),
      );
    }
  }
} finally {
  execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', baseDir]);
  rmSync(resolve(baseDir, '..'), { recursive: true, force: true });
}
for (const [name, runs] of results) {
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  console.log(
    `${name}: seconds ${seconds.join(', ')}; CPU seconds ${runs.map((r) => r.cpu_seconds).join(', ')}; events/s ${runs.map((r) => r.events_per_sec).join(', ')}`,
  );
}
