/** `loadout worker`: a worker for an existing Temporal cluster (or the embedded dev server). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { openRuntime } from '../runtime';

export function registerWorker(program: Command): void {
  withConfigFlags(program.command('worker').description('run a worker: processes file batches and loads until interrupted')).action(
    async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const runtime = await openRuntime(config);
      process.stderr.write(`worker on ${runtime.address}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}${runtime.uiUrl ? `; UI ${runtime.uiUrl}` : ''}\n`);
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
