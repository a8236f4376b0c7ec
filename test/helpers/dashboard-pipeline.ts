/**
 * A pipeline for the dashboard's tests: generated telemetry (rejects, unknown events, drift) and
 * a corrupt object run through `loadout run` on DuckDB, then one batch that fails on the real dev
 * server; and `loadout dashboard` started on it as a user starts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { listRawObjects } from '../../cli/ingest';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import * as workflows from '../../workflows';
import { LOADOUT_BIN, runLoadout } from './loadout-cli';
import { TEST_PERSONAL_KEYS } from './personal-keys';
import { writeSessionsObject } from './raw-files';
import { connectTemporal, testWorker, uniqueTaskQueue } from './temporal';

export interface DashboardPipeline {
  /** LOADOUT_* and TEMPORAL_* of every command run on this pipeline. */
  env: Record<string, string>;
  warehouse: string;
  run: { rejected: number; unknown: Record<string, number>; quarantined: { key: string }[] };
  failedWorkflowId: string;
  failedRunId: string;
}

/** A corrupt gzip whose name holds markup: the page must show it as text. */
export const MARKUP_KEY = 'bad/<img id="injected" src="x">.gz';

export async function runDashboardPipeline(dir: string): Promise<DashboardPipeline> {
  const raw = join(dir, 'raw');
  await generateTelemetry({ outDir: raw, events: 4_000, files: 3, seed: 15 });
  mkdirSync(join(raw, 'bad'), { recursive: true });
  writeFileSync(join(raw, MARKUP_KEY), Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]));
  const environment = `dash-${uniqueTaskQueue('x').slice(-8)}`;
  const warehouse = `duckdb:${join(dir, 'warehouse.duckdb')}`;
  const env = {
    LOADOUT_HOME: join(dir, 'home'),
    LOADOUT_ENV: environment,
    LOADOUT_WAREHOUSE: warehouse,
    LOADOUT_LOAD_EVERY: '1h',
    LOADOUT_TASK_QUEUE: uniqueTaskQueue('dashboard'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  };
  // A quarantined object needs a person: the run loads the rest and exits 1.
  const ran = await runLoadout(['run', raw, '--json'], env);
  if (ran.code !== 1 || !ran.stdout.startsWith('{')) throw new Error(`loadout run: ${ran.code} ${ran.stderr}`);

  // A batch that fails for a fault no retry fixes: a worker whose schemas differ from its replay's.
  const temporal = await connectTemporal();
  try {
    const taskQueue = uniqueTaskQueue('dashboard-failed');
    const lake = openObjectStore(join(env.LOADOUT_HOME, 'lake'));
    const activities = createActivities({
      personalKeys: TEST_PERSONAL_KEYS,
      catalog: await loadCatalog(),
      lake,
      warehouseUrl: warehouse,
      warehouseSchema: 'loadout',
    });
    const worker = await testWorker(temporal, taskQueue, activities);
    // Objects no batch processed: a failed run over processed ones would count as fixed.
    const late = openObjectStore(join(dir, 'raw-late'));
    writeSessionsObject(late.location, 'late/a.gz', 3, environment);
    const objects = await listRawObjects(late);
    const failedWorkflowId = `${taskQueue}-batch`;
    await worker.runUntil(
      temporal.client.workflow
        .execute(workflows.fileBatch, {
          workflowId: failedWorkflowId,
          taskQueue,
          args: [{ source: late.location, objects, environment, replay: { catalogVersion: 'stale' } }],
        })
        .then(
          () => Promise.reject(new Error('the stale replay batch completed')),
          () => undefined,
        ),
    );
    const failedRunId = (await temporal.client.workflow.getHandle(failedWorkflowId).describe()).runId;
    return { env, warehouse, run: JSON.parse(ran.stdout) as DashboardPipeline['run'], failedWorkflowId, failedRunId };
  } finally {
    await temporal.close();
  }
}

export interface RunningDashboard {
  url: string;
  stop(): Promise<void>;
}

/** `loadout dashboard --port 0`, until stop(); the address is its first line on stdout. */
export async function startDashboardProcess(env: Record<string, string>, args: string[]): Promise<RunningDashboard> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|LOADOUT_|AWS_)/.test(k)));
  const child: ChildProcess = spawn(process.execPath, [LOADOUT_BIN, 'dashboard', '--port', '0', ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = /^(http:\/\/\S+)\n/.exec(stdout);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`loadout dashboard exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
