/** What `loadout schedules` does (its flags and help: cli/commands/schedules.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { overridesFrom } from '../config-flags';
import { printJson } from '../output';
import { openRuntime } from '../runtime';
import { applyLoadSchedule, loadScheduleId } from '../schedules';
import { registerSearchAttributes } from '../../workers/register-search-attributes';

export async function applyCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const runtime = await openRuntime(config);
  try {
    // The schedule's loads and their batches are found in the UI by these: register them first.
    const searchAttributes = await registerSearchAttributes(runtime.client.connection, runtime.namespace);
    const outcome = await applyLoadSchedule(runtime.client, config);
    const description = await runtime.client.schedule.getHandle(loadScheduleId(config.env)).describe();
    const summary = {
      scheduleId: description.scheduleId,
      outcome,
      every: config.loadEvery,
      env: config.env,
      nextRuns: description.info.nextActionTimes.slice(0, 3),
      searchAttributes,
    };
    if (options.json) printJson(summary);
    else {
      process.stdout.write(
        `${outcome} ${summary.scheduleId}: load every ${summary.every}; next ${summary.nextRuns.map((d) => d.toISOString()).join(', ')}\n`,
      );
      if (searchAttributes.added.length > 0)
        process.stdout.write(
          `registered search attributes ${searchAttributes.added.join(', ')} on ${runtime.namespace}\n`,
        );
    }
  } finally {
    await runtime.close();
  }
}
