/** What `loadout dev` does (its flags and help: cli/commands/dev.ts), loaded only when it runs. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { durationMs } from '../../config/config-schema';
import { loadConfig } from '../../config/load-config';
import { SqsPoller } from '../../workers/sqs-poller';
import type { DiscoverByListingInput } from '../../workflows/discover-by-listing';
import { openRuntime } from '../runtime';
import { applyLoadSchedule } from '../schedules';
import { dashboardOverridesFrom, serveDevDashboard } from './dashboard';
import { workerOverridesFrom } from '../worker-flags';
import { discoverByListing } from '../../workflows/discover-by-listing';
import { discoveryWorkflowId } from '../../workflows/workflow-ids';

export async function devCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig({ ...workerOverridesFrom(options), ...dashboardOverridesFrom(options) });
  const runtime = await openRuntime(config, { serving: true });
  const say = (line: string, fields?: Record<string, unknown>) => runtime.log.info(line, fields);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    await runtime.withWorker(async () => {
      say(
        `Temporal ${runtime.address}${runtime.uiUrl ? `, UI ${runtime.uiUrl}` : ''}; task queue ${config.temporal.taskQueue}${runtime.metricsUrl ? `; metrics ${runtime.metricsUrl}` : ''}`,
        {
          address: runtime.address,
          ...(runtime.uiUrl ? { ui: runtime.uiUrl } : {}),
          taskQueue: config.temporal.taskQueue,
          environment: config.env,
          ...(runtime.metricsUrl ? { metrics: runtime.metricsUrl } : {}),
        },
      );
      const dashboard = await serveDevDashboard(runtime, config);
      stop.signal.addEventListener('abort', () => void dashboard.close().catch(() => {}));
      say(`dashboard ${dashboard.url}`, { dashboard: dashboard.url });
      say(`load schedule ${await applyLoadSchedule(runtime.client, config)}: every ${config.loadEvery}`);
      // Listing always runs: it is the discovery of the embedded default and reconciles SQS.
      const listing: DiscoverByListingInput = {
        source: config.raw,
        environment: config.env,
        listEvery: config.discovery.listEvery,
        reconcileEvery: config.discovery.sqsQueueUrl
          ? 1
          : Math.max(1, Math.round(durationMs('1h') / durationMs(config.discovery.listEvery))),
        batchObjects: config.discovery.batchObjects,
        batchBytes: config.discovery.batchBytes,
        // With SQS, notifications start new objects; listing leaves young ones to them, so the
        // two discoverers do not start the same object at once (markers come at a batch's end).
        ...(config.discovery.sqsQueueUrl ? { settleSeconds: 600 } : {}),
      };
      await runtime.client.workflow.start(discoverByListing, {
        workflowId: discoveryWorkflowId(config.env),
        taskQueue: config.temporal.taskQueue,
        args: [listing],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      say(
        `discovery: listing ${config.raw} every ${config.discovery.listEvery}${config.discovery.sqsQueueUrl ? `, and SQS ${config.discovery.sqsQueueUrl}` : ''}`,
      );
      const polling = config.discovery.sqsQueueUrl
        ? new SqsPoller({
            sqs: new SQSClient({}),
            queueUrl: config.discovery.sqsQueueUrl,
            client: runtime.client,
            taskQueue: config.temporal.taskQueue,
            rawLocation: config.raw,
            environment: config.env,
            limits: { maxObjects: config.discovery.batchObjects, maxBytes: config.discovery.batchBytes },
            log: (message, fields) => say(message, fields),
          }).run(stop.signal)
        : Promise.resolve();
      say('running; Ctrl-C stops the worker (the dev server keeps running: `loadout server stop`)');
      await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
      await polling;
    });
  } finally {
    await runtime.close();
  }
}
