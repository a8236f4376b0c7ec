/** `loadout dev`: the long-running local pipeline: dev server with UI, worker, schedule, discovery. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { withDashboardPortFlag } from './dashboard';
import { withWorkerFlags } from '../worker-flags';
import { lazyAction } from '../lazy-action';

export function registerDev(program: Command): void {
  withDashboardPortFlag(
    withWorkerFlags(
      withConfigFlags(
        program
          .command('dev')
          .description(
            'run everything locally until Ctrl-C: Temporal dev server and UI, a worker, the load schedule, discovery, the dashboard',
          ),
      ),
    ),
  ).action(lazyAction(() => import('../actions/dev'), 'devCommand'));
}
