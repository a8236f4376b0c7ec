#!/usr/bin/env node
/**
 * `loadout run` against the hand-written DuckDB script (scripts/duckdb-reference.sql) on the same
 * corpus, side by side in one run: in each round the reference, `loadout run` with one worker
 * process, and with more (`loadout run --workers N`: `loadout worker` processes beside it for the batches),
 * in turns whose order alternates. One JSON line per measurement, then a summary with medians and ratios.
 *
 *   node scripts/bench-end-to-end.mjs --input DIR [--rounds 3] [--workers 1,2] [--bundle]
 *
 * Each `loadout run` gets a fresh lake and DuckDB warehouse; the dev server under the bench's
 * LOADOUT_HOME is started once before the first round (as after `loadout demo`, it keeps running).
 * --bundle builds the workflow bundle once and runs with LOADOUT_WORKFLOW_BUNDLE (no bundling at start);
 * without it the first run bundles into the cache under the bench's LOADOUT_HOME and later runs reuse it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1,2' },
    bundle: { type: 'boolean', default: false },
  },
});
if (!values.input) {
  console.error('usage: node scripts/bench-end-to-end.mjs --input DIR [--rounds 3] [--workers 1,2] [--bundle]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const input = resolve(values.input);
const work = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
const home = join(work, 'home');
// A working directory of its own: no loadout.config.json of the caller's applies.
const cwd = join(work, 'cwd');
mkdirSync(cwd, { recursive: true });
const baseEnv = { ...process.env, LOADOUT_HOME: home, LOADOUT_LOG_FORMAT: 'json' };
if (values.bundle) {
  const bundle = join(work, 'workflow-bundle.js');
  execFileSync('npx', ['tsx', join(root, 'scripts/build-workflow-bundle.ts'), '--out', bundle], { cwd: root });
  baseEnv.LOADOUT_WORKFLOW_BUNDLE = bundle;
}
const loadout = join(root, 'bin/loadout.js');
execFileSync(process.execPath, [loadout, 'server', 'start'], { env: baseEnv, cwd, stdio: 'ignore' });

function run(command, args, env) {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const seconds = Math.round(performance.now() - started) / 1000;
      if (code === 0) resolveRun({ seconds, out });
      else reject(new Error(`${args.join(' ')} exited with ${code}: ${err.split('\n').slice(-3).join(' ')}`));
    });
  });
}

async function reference(round) {
  const { seconds, out } = await run(
    process.execPath,
    [join(root, 'scripts/duckdb-reference.mjs'), '--input', input],
    baseEnv,
  );
  const result = JSON.parse(out.trim().split('\n').pop());
  return { round, what: 'duckdb-script', seconds, inner_s: result.seconds, rows: sum(Object.values(result.tables)) };
}

async function loadoutRun(round, processes) {
  const dir = join(work, `run-${round}-${processes}`);
  const env = {
    ...baseEnv,
    // An environment of its own: batch and load ids derive from it, so no run reuses another's results.
    LOADOUT_ENV: `bench-${round}-${processes}-${process.pid}`,
    LOADOUT_LOAD_EVERY: '1h',
    LOADOUT_LAKE: join(dir, 'lake'),
    LOADOUT_WAREHOUSE: `duckdb:${join(dir, 'warehouse.duckdb')}`,
  };
  mkdirSync(dir, { recursive: true });
  try {
    const { seconds, out } = await run(
      process.execPath,
      [loadout, 'run', input, '--json', '--workers', String(processes)],
      env,
    );
    const summary = JSON.parse(out);
    return {
      round,
      what: `loadout-run-${processes}-process${processes > 1 ? 'es' : ''}`,
      seconds,
      timings: summary.timings,
      valid: summary.valid,
      duplicates: summary.duplicates,
      rejected: summary.rejected,
      rows: sum(Object.values(summary.tables)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const workerCounts = values.workers.split(',').map(Number);
const results = [];
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const turns = [() => reference(round), ...workerCounts.map((n) => () => loadoutRun(round, n))];
    // Alternate the order, so neither side always runs in the host's quieter or busier moment.
    if (round % 2 === 1) turns.reverse();
    for (const turn of turns) {
      const r = await turn();
      results.push(r);
      console.log(JSON.stringify(r));
    }
  }
} finally {
  execFileSync(process.execPath, [loadout, 'server', 'stop'], { env: baseEnv, cwd, stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}
const byWhat = new Map();
for (const r of results) byWhat.set(r.what, [...(byWhat.get(r.what) ?? []), r.seconds]);
const ref = median(byWhat.get('duckdb-script'));
const summary = Object.fromEntries(
  [...byWhat].map(([what, s]) => [
    what,
    {
      median_s: median(s),
      min_s: Math.min(...s),
      max_s: Math.max(...s),
      ratio_to_script: Math.round((median(s) / ref) * 100) / 100,
    },
  ]),
);
console.log(JSON.stringify({ date: new Date().toISOString(), input, summary }));
