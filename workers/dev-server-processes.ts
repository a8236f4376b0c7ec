/**
 * Which processes are the dev server of a home: `temporal server start-dev --db-filename <db>`.
 * Read from /proc where there is one (Linux), so a stale state file whose pid now belongs to another
 * program is never taken for the server, and a server the state file lost is still found.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAlive } from './file-lock';

export interface ServerProcess {
  pid: number;
  port?: number;
  uiPort?: number;
}

const HAS_PROC = existsSync('/proc/self/cmdline');

/** Whether `pid` is a live dev server on `db` (without /proc: whether it is alive at all). */
export function isServerOf(pid: number, db: string): boolean {
  if (!HAS_PROC) return isAlive(pid);
  const argv = argvOf(pid);
  return argv !== undefined && servesDb(argv, db);
}

/** Every live dev server on `db`, with the ports its command line names; [] without /proc. */
export function serverProcesses(db: string): ServerProcess[] {
  if (!HAS_PROC) return [];
  const out: ServerProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = argvOf(Number(name));
    if (argv === undefined || !servesDb(argv, db)) continue;
    out.push({ pid: Number(name), port: numberAfter(argv, '--port'), uiPort: numberAfter(argv, '--ui-port') });
  }
  return out;
}

function argvOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined; // gone, or not ours to read
  }
}

function servesDb(argv: string[], db: string): boolean {
  const at = argv.indexOf('--db-filename');
  return argv.includes('start-dev') && at >= 0 && argv[at + 1] === db;
}

function numberAfter(argv: string[], flag: string): number | undefined {
  const at = argv.indexOf(flag);
  const value = at >= 0 ? Number(argv[at + 1]) : NaN;
  return Number.isInteger(value) ? value : undefined;
}
