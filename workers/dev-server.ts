/**
 * The embedded Temporal: a `temporal server start-dev` under LOADOUT_HOME, started once and reused
 * by later commands (so the UI stays up after `loadout demo` to look at what ran).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { devServerSearchAttributeArgs } from '../workflows/search-attributes';
import { freePort, portFree } from './ports';
import { temporalBinary } from './temporal-binary';

export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  /** False when an already running server under the same home was reused. */
  started: boolean;
}

interface ServerState { pid: number; port: number; uiPort: number }

export async function ensureDevServer(home: string, namespace = 'default'): Promise<DevServer> {
  const dir = join(home, 'temporal');
  mkdirSync(dir, { recursive: true });
  const stateFile = join(dir, 'server.json');
  const previous = readState(stateFile);
  if (previous && isAlive(previous.pid) && (await portOpen(previous.port))) {
    return describe(previous, false);
  }
  const port = (await portFree(7233)) ? 7233 : await freePort();
  const uiPort = (await portFree(8233)) ? 8233 : await freePort();
  const log = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(
    temporalBinary(),
    [
      'server', 'start-dev', '--db-filename', join(dir, 'temporal.db'), '--ip', '127.0.0.1', '--port', String(port),
      '--ui-port', String(uiPort), '--namespace', namespace, '--log-level', 'warn', ...devServerSearchAttributeArgs(),
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const state = { pid: child.pid!, port, uiPort };
  writeFileSync(stateFile, JSON.stringify(state));
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(port))) {
    if (!isAlive(state.pid)) throw new Error(`the Temporal dev server exited at start; see ${join(dir, 'server.log')}`);
    if (Date.now() > deadline) throw new Error(`the Temporal dev server did not listen on ${port} within 60 s; see ${join(dir, 'server.log')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return describe(state, true);
}

export function stopDevServer(home: string): boolean {
  const stateFile = join(home, 'temporal', 'server.json');
  const state = readState(stateFile);
  if (!state || !isAlive(state.pid)) return false;
  process.kill(state.pid, 'SIGTERM');
  rmSync(stateFile, { force: true });
  return true;
}

function describe(state: ServerState, started: boolean): DevServer {
  return { address: `127.0.0.1:${state.port}`, uiUrl: `http://127.0.0.1:${state.uiPort}`, pid: state.pid, started };
}

function readState(file: string): ServerState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ServerState;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
