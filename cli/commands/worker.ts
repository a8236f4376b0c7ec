/** `loadout worker`: a worker for an existing Temporal cluster (or the embedded dev server). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { withConfigFlags } from '../config-flags';
import { openRuntime } from '../runtime';
import { registerSearchAttributes } from '../../workers/register-search-attributes';
import { withWorkerFlags, workerOverridesFrom } from '../worker-flags';

export function registerWorker(program: Command): void {
  withWorkerFlags(
    withConfigFlags(
      program.command('worker').description('run a worker: processes file batches and loads until interrupted'),
    ),
  ).action(async (options: Record<string, unknown>) => {
    const config = loadConfig(workerOverridesFrom(options));
    const runtime = await openRuntime(config, { serving: true });
    // Workflows upsert these on every run; on a namespace without them every run would fail its first task.
    const searchAttributes = await registerSearchAttributes(runtime.client.connection, runtime.namespace);
    if (searchAttributes.added.length > 0)
      runtime.log.info('registered search attributes', { namespace: runtime.namespace, added: searchAttributes.added });
    runtime.log.info('worker starting', {
      address: runtime.address,
      namespace: runtime.namespace,
      auth: runtime.auth,
      taskQueue: config.temporal.taskQueue,
      environment: config.env,
      workflows: config.worker.workflowBundle ?? 'bundled at start, cached under LOADOUT_HOME',
      ...(runtime.uiUrl ? { ui: runtime.uiUrl } : {}),
      ...(runtime.metricsUrl ? { metrics: runtime.metricsUrl } : {}),
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
  });
}
