/** `loadout worker`: a worker for an existing Temporal cluster (or the embedded dev server). */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { withWorkerFlags } from '../worker-flags';
import { lazyAction } from '../lazy-action';

export function registerWorker(program: Command): void {
  withWorkerFlags(
    withConfigFlags(
      program.command('worker').description('run a worker: processes file batches and loads until interrupted'),
    ),
  ).action(lazyAction(() => import('../actions/worker'), 'workerCommand'));
}
