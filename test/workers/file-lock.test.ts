/** withFileLock on a real directory: exclusion, stale locks taken over, live ones waited for. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { isAlive, withFileLock } from '../../workers/file-lock';

const dir = mkdtempSync(join(tmpdir(), 'loadout-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { timeoutMs: 5_000, staleAfterMs: 60_000, pollMs: 5 };

/** The pid of a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout;
  expect(isAlive(Number(pid))).toBe(false);
  return Number(pid);
}

test('holders never overlap, and the lock is gone afterwards, also when work throws', async () => {
  const lock = join(dir, 'a.lock');
  let inside = 0;
  let most = 0;
  const work = async () => {
    most = Math.max(most, ++inside);
    await new Promise((r) => setTimeout(r, 10));
    inside--;
  };
  await Promise.all(Array.from({ length: 8 }, () => withFileLock(lock, options, work)));
  expect(most).toBe(1);
  await expect(
    withFileLock(lock, options, async () => {
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  expect(existsSync(lock)).toBe(false);
});

test('a lock whose holder died, or that is older than staleAfterMs, is taken over; a live fresh one is waited for', async () => {
  const lock = join(dir, 'b.lock');
  writeFileSync(lock, JSON.stringify({ pid: deadPid(), token: 'dead' }));
  expect(await withFileLock(lock, options, async () => 'taken')).toBe('taken');

  writeFileSync(lock, JSON.stringify({ pid: process.pid, token: 'old' }));
  utimesSync(lock, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  expect(await withFileLock(lock, options, async () => 'taken')).toBe('taken');

  writeFileSync(lock, JSON.stringify({ pid: process.pid, token: 'live' }));
  await expect(withFileLock(lock, { ...options, timeoutMs: 300 }, async () => 'never')).rejects.toThrow(/held by pid/);
  rmSync(lock);
  expect(readdirSync(dir).filter((n) => n.includes('.stale-'))).toEqual([]);
});
