/** What `loadout worker` does (its flags and help: cli/commands/worker.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { openRuntime } from '../runtime';
import { registerSearchAttributes } from '../../workers/register-search-attributes';
import { workerOverridesFrom } from '../worker-flags';

export async function workerCommand(options: Record<string, unknown>): Promise<void> {
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
}
