/**
 * A lock between processes on one machine: a file created with O_EXCL holding its owner's pid. A
 * lock whose owner died, or that is older than `staleAfterMs` (the pid may have been reused), is
 * taken over. Used so two commands on one LOADOUT_HOME never start two dev servers.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

export interface FileLockOptions {
  /** Give up after this long (ms) with an error naming the holder. */
  timeoutMs: number;
  /** A lock older than this is stale whatever its pid says: longer than any holder keeps it. */
  staleAfterMs: number;
  pollMs?: number;
}

interface LockContent {
  pid: number;
  token: string;
}

/** Runs `work` holding the lock at `path`; the lock is released however `work` ends. */
export async function withFileLock<T>(path: string, options: FileLockOptions, work: () => Promise<T>): Promise<T> {
  const token = await acquire(path, options);
  try {
    return await work();
  } finally {
    release(path, token);
  }
}

async function acquire(path: string, options: FileLockOptions): Promise<string> {
  const token = randomUUID();
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, token } satisfies LockContent), { flag: 'wx' });
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLock(path);
    if (holder === 'gone') continue;
    if ((holder === undefined || isStale(path, holder, options.staleAfterMs)) && breakStale(path, holder)) continue;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${path}, held by pid ${holder?.pid ?? 'unknown'}`,
      );
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}

function release(path: string, token: string): void {
  // Only our own lock: after a takeover (we were presumed dead) the file is someone else's.
  const holder = readLock(path);
  if (holder !== 'gone' && holder?.token === token) unlinkSync(path);
}

/** The lock's content; undefined when unreadable (a writer between create and write, or garbage); 'gone' when absent. */
function readLock(path: string): LockContent | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const content = JSON.parse(text) as LockContent;
    return typeof content.pid === 'number' && typeof content.token === 'string' ? content : undefined;
  } catch {
    return undefined;
  }
}

function isStale(path: string, holder: LockContent, staleAfterMs: number): boolean {
  if (!isAlive(holder.pid)) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > staleAfterMs;
  } catch {
    return false; // released meanwhile: the next round sees it gone
  }
}

/**
 * Removes a stale lock without removing a fresh one that replaced it meanwhile: move it aside
 * (atomic), and if what was moved is not the stale lock that was judged, put it back with link(),
 * which fails rather than overwrite a lock created in between.
 */
function breakStale(path: string, judged: LockContent | undefined): boolean {
  // An unreadable lock may be one being written right now: only break it once it is old.
  if (judged === undefined) {
    try {
      if (Date.now() - statSync(path).mtimeMs < 2_000) return false;
    } catch {
      return true; // gone: try again at once
    }
  }
  const aside = `${path}.stale-${process.pid}-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = readLock(aside);
  const same = moved !== 'gone' && (judged === undefined ? moved === undefined : moved?.token === judged.token);
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      /* a new lock exists already: its owner goes on */
    }
  }
  unlinkSync(aside);
  return true;
}

/** Whether `pid` runs. A zombie does not: it has exited, and where nobody reaps it (some container inits) it lingers. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, someone else's
  }
  try {
    // "pid (comm) S ...": the state follows the last ')', since comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (error) {
    // No /proc (macOS): kill(0) is all there is. Gone since: dead.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self/stat');
  }
}
