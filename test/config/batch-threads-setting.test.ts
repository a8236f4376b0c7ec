/** The batch threads of a worker process as a setting: file and variable, strictly validated like the others. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadConfig } from '../../config/load-config';

const dir = mkdtempSync(join(tmpdir(), 'loadout-batch-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder, with `file` as its loadout.config.json when given. */
function project(name: string, file?: unknown): string {
  const cwd = join(dir, name);
  mkdirSync(cwd, { recursive: true });
  if (file !== undefined) writeFileSync(join(cwd, 'loadout.config.json'), JSON.stringify(file));
  return cwd;
}

test('unset by default (one per core); the file, then LOADOUT_BATCH_THREADS; 0 turns the threads off', () => {
  expect(loadConfig({}, {}, project('none')).worker.batchThreads).toBeUndefined();
  const cwd = project('file', { worker: { batchThreads: 3 } });
  expect(loadConfig({}, {}, cwd).worker.batchThreads).toBe(3);
  expect(loadConfig({}, { LOADOUT_BATCH_THREADS: '0' }, cwd).worker.batchThreads).toBe(0);
});

test('a bad count is refused naming the setting and where to set it; a misspelt key with the nearest one', () => {
  for (const bad of ['two', '65', '-1']) {
    expect(() => loadConfig({}, { LOADOUT_BATCH_THREADS: bad }, project('bad'))).toThrow(
      /^invalid setting worker\.batchThreads \(set by loadout\.config\.json, LOADOUT_BATCH_THREADS or a flag\)/,
    );
  }
  expect(() => loadConfig({}, {}, project('typo', { worker: { batchThread: 2 } }))).toThrow(
    'unknown setting "worker.batchThread": did you mean "worker.batchThreads"?',
  );
});
