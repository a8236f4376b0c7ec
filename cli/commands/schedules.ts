/** `loadout schedules apply|show`: the Temporal Schedule of this environment's loads. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { printJson } from '../output';
import { openRuntime } from '../runtime';
import { applyLoadSchedule, loadScheduleId } from '../schedules';
import { registerSearchAttributes } from '../../workers/register-search-attributes';

export function registerSchedules(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('the Temporal Schedule that runs the loads (production: every 6 h, playtest: daily)');
  withConfigFlags(
    schedules
      .command('apply')
      .description(
        'create or update the schedule from the configuration, and register the search attributes (idempotent)',
      ),
  )
    .option('--json', 'print one JSON document')
    .action(async (options: Record<string, unknown>) => {
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
    });
}
