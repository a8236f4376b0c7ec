/** The embedded dev server: one per home under concurrent starts, stale state recovered, search attributes kept current. */
import { Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { ensureDevServer, stopDevServer } from '../../workers/dev-server';
import { serverProcesses } from '../../workers/dev-server-processes';
import { PROJECT_ROOT } from '../../workers/project-root';
import { LOADOUT_QUARANTINED, SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const run = promisify(execFile);
const homes: string[] = [];
afterAll(async () => {
  for (const home of homes) {
    await stopDevServer(home);
    rmSync(home, { recursive: true, force: true });
  }
});

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'loadout-home-'));
  homes.push(home);
  return home;
}

const dbOf = (home: string) => join(home, 'temporal', 'temporal.db');
const stateOf = (home: string) => join(home, 'temporal', 'server.json');

function loadout(home: string, ...args: string[]): Promise<{ stdout: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOADOUT_HOME: home };
  delete env.TEMPORAL_ADDRESS;
  return run(process.execPath, [join(PROJECT_ROOT, 'bin', 'loadout.js'), ...args], {
    env,
    cwd: home,
    timeout: 150_000,
  });
}

async function customAttributes(address: string): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    return Object.keys(
      (await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes ?? {},
    );
  } finally {
    await connection.close();
  }
}

describe('the embedded dev server', () => {
  test('two `loadout server start` at once on a fresh home end with one server, which `server stop` stops', async () => {
    const home = freshHome();
    const [a, b] = await Promise.all([loadout(home, 'server', 'start'), loadout(home, 'server', 'start')]);
    const outputs = [a.stdout, b.stdout].sort();
    expect(outputs[0]).toMatch(/^already running: /);
    expect(outputs[1]).toMatch(/^started: /);
    const address = (text: string) => /127\.0\.0\.1:\d+/.exec(text)?.[0];
    expect(address(a.stdout)).toBe(address(b.stdout));
    const servers = serverProcesses(dbOf(home));
    expect(servers).toHaveLength(1);
    expect(outputs[1]).toContain(`(pid ${servers[0]!.pid})`);
    expect(await customAttributes(address(a.stdout)!)).toEqual(
      expect.arrayContaining(SEARCH_ATTRIBUTES.map((k) => k.name)),
    );

    expect((await loadout(home, 'server', 'stop')).stdout).toBe('stopped\n');
    expect(serverProcesses(dbOf(home))).toEqual([]);
    expect(existsSync(stateOf(home))).toBe(false);
    expect((await loadout(home, 'server', 'stop')).stdout).toBe('not running\n');
  });

  test('stale state recovers: a reused pid, a lost state file, a dead server; a reused server gets missing search attributes', async () => {
    const home = freshHome();
    // The state names a live process that is no dev server (this one) and a port that answers (the test server's).
    const testPort = Number(inject('temporalAddress').split(':').at(-1));
    mkdirSync(join(home, 'temporal'));
    writeFileSync(stateOf(home), JSON.stringify({ pid: process.pid, port: testPort, uiPort: testPort }));
    const first = await ensureDevServer(home);
    expect(first.started).toBe(true);
    expect(first.pid).not.toBe(process.pid);
    expect(serverProcesses(dbOf(home)).map((p) => p.pid)).toEqual([first.pid]);

    // A server that an older Loadout started lacks LoadoutQuarantined; its state file is gone too.
    const connection = await Connection.connect({ address: first.address });
    await connection.operatorService.removeSearchAttributes({
      namespace: 'default',
      searchAttributes: [LOADOUT_QUARANTINED.name],
    });
    await connection.close();
    expect(await customAttributes(first.address)).not.toContain(LOADOUT_QUARANTINED.name);
    rmSync(stateOf(home));
    const adopted = await ensureDevServer(home);
    expect(adopted).toMatchObject({ started: false, pid: first.pid, address: first.address });
    expect(serverProcesses(dbOf(home))).toHaveLength(1);
    expect(await customAttributes(first.address)).toContain(LOADOUT_QUARANTINED.name);

    // The server died, its state file stayed: a new one starts on the same database.
    process.kill(first.pid, 'SIGKILL');
    while (serverProcesses(dbOf(home)).length > 0) await new Promise((r) => setTimeout(r, 50));
    const second = await ensureDevServer(home);
    expect(second.started).toBe(true);
    expect(second.pid).not.toBe(first.pid);
    expect(serverProcesses(dbOf(home)).map((p) => p.pid)).toEqual([second.pid]);
    expect(await customAttributes(second.address)).toEqual(
      expect.arrayContaining(SEARCH_ATTRIBUTES.map((k) => k.name)),
    );
    expect(await stopDevServer(home)).toBe(true);
    expect(serverProcesses(dbOf(home))).toEqual([]);
  });
});
