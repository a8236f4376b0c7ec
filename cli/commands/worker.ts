/** `loadout worker`: a worker for an existing Temporal cluster (or the embedded dev server). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { withConfigFlags } from '../config-flags';
import { openRuntime } from '../runtime';
import { withWorkerFlags, workerOverridesFrom } from '../worker-flags';

export function registerWorker(program: Command): void {
  withWorkerFlags(withConfigFlags(program.command('worker').description('run a worker: processes file batches and loads until interrupted'))).action(
    async (options: Record<string, unknown>) => {
      const config = loadConfig(workerOverridesFrom(options));
      const runtime = await openRuntime(config, { serving: true });
      runtime.log.info('worker starting', {
        address: runtime.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, environment: config.env,
        ...(runtime.uiUrl ? { ui: runtime.uiUrl } : {}), ...(runtime.metricsUrl ? { metrics: runtime.metricsUrl } : {}),
      });
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      try {
        await runtime.withWorker(() => stop);
      } finally {
        await runtime.close();
      }
    },
  );
}
