/** `loadout run --workers N`: N processes on one machine share its cores through their batch threads. */
import { availableParallelism, tmpdir } from 'node:os';
import { expect, test } from 'vitest';
import { threadsPerProcess } from '../../../cli/actions/run';
import { loadConfig } from '../../../config/load-config';

const config = loadConfig({}, {}, tmpdir());

test('one process keeps one thread a core; N processes split the cores, at least one thread each', () => {
  expect(config.worker.batchThreads).toBeUndefined();
  expect(threadsPerProcess(config, 1)).toBe(config);
  const cores = availableParallelism();
  expect(threadsPerProcess(config, 2).worker.batchThreads).toBe(Math.max(1, Math.floor(cores / 2)));
  expect(threadsPerProcess(config, cores * 4).worker.batchThreads).toBe(1);
});

test('threads set by the studio are kept whatever the processes', () => {
  const set = loadConfig({}, { LOADOUT_BATCH_THREADS: '3' }, tmpdir());
  expect(threadsPerProcess(set, 2).worker.batchThreads).toBe(3);
});
