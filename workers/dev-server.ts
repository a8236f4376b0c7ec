/**
 * The embedded Temporal: a `temporal server start-dev` under LOADOUT_HOME, started once and reused
 * by later commands (so the UI stays up after `loadout demo` to look at what ran).
 *
 * One server per home: starting happens under a lock file (temporal/server.lock), so commands that
 * start at once on a fresh home end with one server; the later ones wait and reuse it. The state
 * file (temporal/server.json) is only trusted when its pid is still a dev server on this home's
 * database and its port answers; otherwise a server found on the database is adopted, or a new
 * one started.
 */
import { Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { devServerSearchAttributeArgs } from '../workflows/search-attributes';
import { serverProcesses, isServerOf, type ServerProcess } from './dev-server-processes';
import { isAlive, withFileLock } from './file-lock';
import { freePort, portFree } from './ports';
import { registerSearchAttributes } from './register-search-attributes';
import { temporalBinary } from './temporal-binary';

export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  /** False when an already running server under the same home was reused. */
  started: boolean;
}

interface ServerState {
  pid: number;
  port: number;
  uiPort: number;
}

interface HomeFiles {
  dir: string;
  state: string;
  lock: string;
  db: string;
  log: string;
}

/** Waiting for another command's start (60 s at most) and a little more. */
const LOCK = { timeoutMs: 120_000, staleAfterMs: 180_000 };
const START_TIMEOUT_MS = 60_000;

export async function ensureDevServer(home: string, namespace = 'default', onStart?: () => void): Promise<DevServer> {
  const files = homeFiles(home);
  mkdirSync(files.dir, { recursive: true });
  const running = await trustedState(files);
  if (running) return reuse(running, namespace);
  return withFileLock(files.lock, LOCK, async () => {
    // Another command may have started it while this one waited for the lock.
    const found = (await trustedState(files)) ?? (await adoptRunning(files));
    if (found) return reuse(found, namespace);
    onStart?.();
    return describe(await start(files, namespace), true);
  });
}

/** Stops the home's dev server, and any other server left on its database; false when none ran. */
export async function stopDevServer(home: string): Promise<boolean> {
  const files = homeFiles(home);
  mkdirSync(files.dir, { recursive: true });
  return withFileLock(files.lock, LOCK, async () => {
    const state = readState(files.state);
    const pids = new Set(serverProcesses(files.db).map((p) => p.pid));
    if (state && isServerOf(state.pid, files.db)) pids.add(state.pid);
    await terminate([...pids]);
    rmSync(files.state, { force: true });
    return pids.size > 0;
  });
}

function homeFiles(home: string): HomeFiles {
  const dir = join(home, 'temporal');
  return {
    dir,
    state: join(dir, 'server.json'),
    lock: join(dir, 'server.lock'),
    db: join(dir, 'temporal.db'),
    log: join(dir, 'server.log'),
  };
}

/** The state file's server when it is really this home's server and answers. */
async function trustedState(files: HomeFiles): Promise<ServerState | undefined> {
  const state = readState(files.state);
  return state && isServerOf(state.pid, files.db) && (await portOpen(state.port)) ? state : undefined;
}

/**
 * A server on this home's database that the state file does not name (it was lost, or an older
 * Loadout raced two starts): the first that answers is adopted, the others stopped, since two
 * servers must never share one SQLite file.
 */
async function adoptRunning(files: HomeFiles): Promise<ServerState | undefined> {
  let adopted: ServerState | undefined;
  const extra: number[] = [];
  for (const p of serverProcesses(files.db)) {
    if (!adopted && (await answers(p))) adopted = { pid: p.pid, port: p.port!, uiPort: p.uiPort ?? 0 };
    else extra.push(p.pid);
  }
  await terminate(extra);
  if (adopted) writeState(files.state, adopted);
  return adopted;
}

async function answers(p: ServerProcess): Promise<boolean> {
  return p.port !== undefined && (await portOpen(p.port));
}

async function start(files: HomeFiles, namespace: string): Promise<ServerState> {
  const port = (await portFree(7233)) ? 7233 : await freePort();
  const uiPort = (await portFree(8233)) ? 8233 : await freePort();
  const log = openSync(files.log, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(
      temporalBinary(),
      [
        'server',
        'start-dev',
        '--db-filename',
        files.db,
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--ui-port',
        String(uiPort),
        '--namespace',
        namespace,
        '--log-level',
        'warn',
        ...devServerSearchAttributeArgs(),
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(log); // the child has its own copy
  }
  if (pid === undefined) throw new Error(`could not start the Temporal dev server; see ${files.log}`);
  const state = { pid, port, uiPort };
  writeState(files.state, state);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await portOpen(port))) {
    if (!isAlive(state.pid)) throw new Error(`the Temporal dev server exited at start; see ${files.log}`);
    if (Date.now() > deadline)
      throw new Error(`the Temporal dev server did not listen on ${port} within 60 s; see ${files.log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return state;
}

/**
 * A running server from any earlier Loadout: make sure it has every search attribute this one uses
 * (a server started before LoadoutQuarantined existed lacks it; start flags only apply at start).
 */
async function reuse(state: ServerState, namespace: string): Promise<DevServer> {
  const address = `127.0.0.1:${state.port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address });
      try {
        await registerSearchAttributes(connection, namespace);
      } finally {
        await connection.close();
      }
      return describe(state, false);
    } catch (error) {
      // A server that has just opened its port may not serve its namespace yet.
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** SIGTERM, then SIGKILL what is still there after 10 s: stop must leave nothing on the database. */
async function terminate(pids: number[]): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

function describe(state: ServerState, started: boolean): DevServer {
  return { address: `127.0.0.1:${state.port}`, uiUrl: `http://127.0.0.1:${state.uiPort}`, pid: state.pid, started };
}

function readState(file: string): ServerState | undefined {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerState>;
    return typeof state.pid === 'number' && typeof state.port === 'number' && typeof state.uiPort === 'number'
      ? (state as ServerState)
      : undefined;
  } catch {
    return undefined; // absent or garbage: no trusted server
  }
}

/** Whole or not at all: a reader never sees half a state file. */
function writeState(file: string, state: ServerState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
