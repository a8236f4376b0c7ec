/** `loadout schedules apply|show`: the Temporal Schedule of this environment's loads. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { printJson } from '../output';
import { openRuntime } from '../runtime';
import { applyLoadSchedule, loadScheduleId } from '../schedules';

export function registerSchedules(program: Command): void {
  const schedules = program.command('schedules').description('the Temporal Schedule that runs the loads (production: every 6 h, playtest: daily)');
  withConfigFlags(schedules.command('apply').description('create or update the schedule from the configuration (idempotent)'))
    .option('--json', 'print one JSON document')
    .action(async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const runtime = await openRuntime(config);
      try {
        const outcome = await applyLoadSchedule(runtime.client, config);
        const description = await runtime.client.schedule.getHandle(loadScheduleId(config.env)).describe();
        const summary = { scheduleId: description.scheduleId, outcome, every: config.loadEvery, env: config.env, nextRuns: description.info.nextActionTimes.slice(0, 3) };
        if (options.json) printJson(summary);
        else process.stdout.write(`${outcome} ${summary.scheduleId}: load every ${summary.every}; next ${summary.nextRuns.map((d) => d.toISOString()).join(', ')}\n`);
      } finally {
        await runtime.close();
      }
    });
}
