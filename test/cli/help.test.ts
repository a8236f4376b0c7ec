/** `loadout --help` and a subcommand's help: the command list, and that declaring the commands imports no heavy package. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { LOADOUT_BIN, runLoadout } from '../helpers/loadout-cli';

const dir = mkdtempSync(join(tmpdir(), 'loadout-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = [
  'generate',
  'bench',
  'run',
  'demo',
  'worker',
  'server',
  'load',
  'query',
  'report',
  'schedules',
  'dev',
  'schema',
  'status',
  'migrate',
  'replay',
  'pii',
  'erase',
  'dashboard',
  'rejects',
  'doctor',
  'help',
];

/** The names under "Commands:" in commander's help. */
function commandNames(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!);
}

test('loadout --help lists every command', async () => {
  const out = await runLoadout(['--help'], {});
  expect(out.code).toBe(0);
  expect(commandNames(out.stdout)).toEqual(COMMANDS);
});

test("a subcommand's help has its own flags and the shared ones, nested ones too", async () => {
  const run = await runLoadout(['run', '--help'], {});
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Usage: loadout run \[options\] \[location\]$/m);
  for (const flag of ['--workers <n>', '--json', '--warehouse <url>', '--temporal-address <host:port>'])
    expect(run.stdout).toContain(flag);
  const ack = await runLoadout(['status', 'ack', '--help'], {});
  expect(ack.code).toBe(0);
  expect(ack.stdout).toMatch(/^Usage: loadout status ack \[options\] \[targets\.\.\.\]$/m);
  expect(ack.stdout).toContain('--all');
});

test('--help imports none of the heavy packages: each command loads its own when it runs', async () => {
  const log = join(dir, 'imports.log');
  // A resolve hook (registered before tsx's) that writes down every module the process imports.
  const hook = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}`;
  const register = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)}, { data: { file: ${JSON.stringify(log)} } });`;
  await promisify(execFile)(process.execPath, [
    '--import',
    `data:text/javascript,${encodeURIComponent(register)}`,
    LOADOUT_BIN,
    '--help',
  ]);
  const imported = readFileSync(log, 'utf8');
  expect(imported).toContain('/cli/commands/run.ts');
  for (const heavy of ['@temporalio/', '@duckdb/', '/pg/', '@aws-sdk/', '/zod/', '/cli/actions/'])
    expect(imported).not.toContain(heavy);
});
