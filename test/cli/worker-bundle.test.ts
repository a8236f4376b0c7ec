/** `loadout worker` from a prebuilt workflow bundle, as production runs it: it serves batches; a missing bundle is refused at once. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { listRawObjects, runFileBatch } from '../../cli/ingest';
import { openObjectStore } from '../../stores/object/open-object-store';
import { writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
let dir: string;
let temporal: TemporalTestContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-worker-bundle-'));
  temporal = await connectTemporal();
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (taskQueue: string, extra: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|LOADOUT_)/.test(k))),
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  LOADOUT_HOME: join(dir, 'home'),
  LOADOUT_TASK_QUEUE: taskQueue,
  LOADOUT_LOG_FORMAT: 'json',
  LOADOUT_LOAD_EVERY: '1h',
  ...extra,
});

test('a worker started from the bundle the suite built processes a batch, and says which workflows it runs', async () => {
  const taskQueue = uniqueTaskQueue('bundle');
  const bundle = inject('workflowBundlePath');
  const child = spawn(process.execPath, [bin, 'worker', '--workflow-bundle', bundle], {
    env: env(taskQueue, { LOADOUT_LAKE: join(dir, 'lake') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 60_000;
    while (!output.includes('"worker starting"') && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const started = output.split('\n').find((l) => l.includes('"worker starting"'));
    expect(started, output).toBeDefined();
    expect(JSON.parse(started!)).toMatchObject({ workflows: bundle, taskQueue });
    const raw = openObjectStore(join(dir, 'raw'));
    const written = writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 5);
    const result = await runFileBatch(temporal.client, `${taskQueue}-batch`, taskQueue, {
      source: raw.location,
      objects: await listRawObjects(raw),
      environment: 'bundle',
    });
    expect(result.staged.find((s) => s.table === 'session_begin')?.rows).toBe(written.distinct.session_begin);
    // Bundling at start would have printed webpack's progress; a prebuilt bundle prints none.
    expect(output).not.toMatch(/webpack|asset workflow-bundle/i);
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});

test('a bundle path that does not exist is refused at once, naming the path and what to do', async () => {
  const missing = join(dir, 'no-such-bundle.js');
  const failure = await promisify(execFile)(process.execPath, [bin, 'worker'], {
    env: env(uniqueTaskQueue('nobundle'), { LOADOUT_WORKFLOW_BUNDLE: missing }),
  }).then(
    () => undefined,
    (error: unknown) => error as { code: number; stderr: string },
  );
  expect(failure?.code).toBe(1);
  expect(failure!.stderr).toContain(`loadout: no workflow bundle at ${missing}: build it with npm run build:workflows`);
});
