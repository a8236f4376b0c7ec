/**
 * Determinism: histories captured from real runs (test/fixtures/histories/, exported with
 * `temporal workflow show --output json`; `npx tsx scripts/capture-histories.ts` captures one of
 * every workflow and patched branch) must replay on today's workflow code. A change that breaks
 * one needs `patched()`, or a new capture when no run of the old code can still be in flight.
 */
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, inject, test } from 'vitest';
import * as workflows from '../../workflows';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const captured = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface CapturedHistory {
  events: {
    workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
    markerRecordedEventAttributes?: { details?: Record<string, { payloads?: { data?: string }[] }> };
  }[];
}
const read = (file: string) => JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as CapturedHistory;

test('every workflow the worker registers has a captured history', () => {
  const types = new Set(
    captured.map((f) => read(f).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
  );
  expect([...types].sort()).toEqual(Object.keys(workflows).sort());
});

test('every patch in the workflow code is taken in some captured history', () => {
  const source = readdirSync(fileURLToPath(new URL('../../workflows/', import.meta.url)))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(fileURLToPath(new URL(`../../workflows/${f}`, import.meta.url)), 'utf8'))
    .join('\n');
  const constants = new Map([...source.matchAll(/const (\w+) = '([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
  const patches = [...source.matchAll(/patched\((?:'([^']+)'|(\w+))\)/g)].map((m) => m[1] ?? constants.get(m[2]!)!);
  const recorded = new Set(
    captured.flatMap((f) =>
      read(f).events.flatMap((e) =>
        (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map((p) =>
          Buffer.from(p.data ?? '', 'base64').toString(),
        ),
      ),
    ),
  );
  expect(patches.length).toBeGreaterThan(0);
  for (const patch of patches)
    expect(
      [...recorded].some((r) => r.includes(patch)),
      patch,
    ).toBe(true);
});

test.each(captured)('%s replays on the current workflow code', async (file) => {
  const history = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Parameters<typeof Worker.runReplayHistory>[1];
  // The workflow id is the file's name: workflows that derive child ids from their own (replay) were captured under it.
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: inject('workflowBundlePath') } },
    history,
    file.replace(/\.json$/, ''),
  );
});
