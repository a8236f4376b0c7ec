/** Starts test/helpers/worker-process.ts as a child process that a test can SIGKILL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TemporalTestContext } from './temporal';

export function startWorkerProcess(
  temporal: TemporalTestContext,
  taskQueue: string,
  lake: string,
  warehouse?: string,
): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./worker-process.ts', import.meta.url))],
    {
      env: {
        ...process.env,
        TEST_TEMPORAL_ADDRESS: temporal.address,
        TEST_TEMPORAL_NAMESPACE: temporal.namespace,
        TEST_TASK_QUEUE: taskQueue,
        TEST_WORKFLOW_BUNDLE: temporal.workflowBundlePath,
        TEST_LAKE: lake,
        TEST_WAREHOUSE: warehouse ?? '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve(proc));
    proc.once('exit', (code) => reject(new Error(`worker process exited early with ${code}`)));
  });
}

/** SIGKILL, then wait for the process to be gone (its DuckDB file lock with it). */
export async function killWorkerProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}
