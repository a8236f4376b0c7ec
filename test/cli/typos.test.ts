/** A mistyped command line or setting is refused at once with one line naming what to fix, never taken as an empty success. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-typos-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with no Temporal configured and a home of its own; resolves with its exit code and output. */
async function loadout(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|LOADOUT_)/.test(k)));
  return promisify(execFile)(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? dir,
    env: { ...env, LOADOUT_HOME: join(dir, 'home'), ...options.env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

test('--version prints the package version', async () => {
  const { code, stdout } = await loadout(['--version']);
  expect(code).toBe(0);
  expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

test.each([
  ['a raw directory that does not exist', ['run', 'no-such-dir'], {}, /^loadout: no such directory: no-such-dir /],
  [
    'a DuckDB file in a folder that does not exist',
    ['query', 'select 1', '--warehouse', 'duckdb:/no/such/dir/w.duckdb'],
    {},
    /^loadout: invalid setting warehouse \(.*--warehouse\): no directory \/no\/such\/dir for the DuckDB file/,
  ],
  [
    'a schemas folder that does not exist',
    ['schema', 'list', '--schemas', '/no/such/schemas'],
    {},
    /^loadout: invalid setting schemas \(.*--schemas\): no directory \/no\/such\/schemas/,
  ],
  [
    'a worker concurrency that is not a number',
    ['schema', 'list'],
    { LOADOUT_WORKER_CONCURRENCY: 'lots' },
    /^loadout: invalid setting worker\.maxConcurrentActivities \(.*LOADOUT_WORKER_CONCURRENCY.*\): /,
  ],
  [
    'a load interval that is not a duration',
    ['load', '--load-every', 'soon'],
    {},
    /^loadout: invalid setting loadEvery \(.*LOADOUT_LOAD_EVERY.*\): a duration like 90s, 15m, 6h or 1d$/m,
  ],
  [
    'a Temporal address where nothing listens',
    ['load', '--temporal-address', '127.0.0.1:1'],
    {},
    /^loadout: cannot use Temporal at 127\.0\.0\.1:1 .*unreachable/,
  ],
] as const)('%s: one line naming it, exit 1, nothing created', async (_name, args, env, message) => {
  const { code, stderr } = await loadout([...args], { env: { ...env } });
  expect(code).toBe(1);
  expect(stderr).toMatch(message);
  expect(stderr.trim().split('\n')).toHaveLength(1);
});

test('a misspelt key in loadout.config.json is refused with the nearest known one', async () => {
  const project = join(dir, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'loadout.config.json'),
    JSON.stringify({ warehous: 'duckdb:w.duckdb', temporal: { taskQueue: 'q' } }),
  );
  const top = await loadout(['schema', 'list'], { cwd: project });
  expect(top.code).toBe(1);
  expect(top.stderr).toContain('loadout.config.json: unknown setting "warehous": did you mean "warehouse"?');
  writeFileSync(join(project, 'loadout.config.json'), JSON.stringify({ temporal: { adress: 'x:7233' } }));
  const nested = await loadout(['schema', 'list'], { cwd: project });
  expect(nested.stderr).toContain('unknown setting "temporal.adress": did you mean "temporal.address"?');
  writeFileSync(join(project, 'loadout.config.json'), JSON.stringify({ zzz: 1 }));
  expect((await loadout(['schema', 'list'], { cwd: project })).stderr).toMatch(/unknown setting "zzz"\n/);
});
