/** Temporal Schedules for the loads: one per environment, created or updated from the configuration. */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { LoadoutConfig } from '../config/config-schema';
import type { LoadInput } from '../workflows/load-types';
import { load } from '../workflows/load';
import { scheduledLoadWorkflowId } from '../workflows/workflow-ids';

export function loadScheduleId(environment: string): string {
  return `loadout-load-${environment}`;
}

/** How long after an outage missed loads are still run (one load catches everything up anyway). */
export const CATCHUP_WINDOW = '1d';

function scheduleOptions(config: LoadoutConfig): ScheduleOptions {
  const input: LoadInput = { environment: config.env };
  return {
    scheduleId: loadScheduleId(config.env),
    spec: { intervals: [{ every: config.loadEvery }] },
    action: {
      type: 'startWorkflow',
      workflowType: load,
      // The schedule appends the scheduled time: one id per scheduled load.
      workflowId: scheduledLoadWorkflowId(config.env),
      taskQueue: config.temporal.taskQueue,
      args: [input],
    },
    policies: {
      // A load still running when the next is due: the next waits for it, never runs beside it.
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
      catchupWindow: CATCHUP_WINDOW,
    },
    memo: { loadout: `loads of environment ${config.env} every ${config.loadEvery}` },
  };
}

/** Creates the environment's schedule, or brings an existing one to the configuration: idempotent. */
export async function applyLoadSchedule(client: Client, config: LoadoutConfig): Promise<'created' | 'updated'> {
  const options = scheduleOptions(config);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(options.scheduleId).update((previous) => ({
    ...previous,
    spec: options.spec,
    action: { ...options.action, workflowType: load.name } as typeof previous.action,
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: CATCHUP_WINDOW },
  }));
  return 'updated';
}
