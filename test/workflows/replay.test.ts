/**
 * Determinism: histories captured from real runs (test/fixtures/histories/, exported with
 * `temporal workflow show --output json` after `npm run demo`) must replay on today's workflow
 * code. A change that breaks one needs `patched()`, or a new capture when no run of the old code
 * can still be in flight.
 */
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, inject, test } from 'vitest';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const captured = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('captured histories exist for the pipeline workflows', () => {
  expect(captured.sort()).toEqual(['file-batch.json', 'load-table.json', 'load.json']);
});

test.each(captured)('%s replays on the current workflow code', async (file) => {
  const history = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Parameters<typeof Worker.runReplayHistory>[1];
  await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file);
});
