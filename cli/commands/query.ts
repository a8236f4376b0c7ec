/** `loadout query "SQL"` and `loadout report dau|events|bookings|sessions`: read the warehouse. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { KPI_NAMES } from '../kpi-reports';
import { lazyAction } from '../lazy-action';

export function registerQuery(program: Command): void {
  withConfigFlags(program.command('query').description('run a SQL query on the configured warehouse').argument('<sql>'))
    .option('--json', 'print the rows as one JSON document')
    .action(lazyAction(() => import('../actions/query'), 'queryCommand'));

  withConfigFlags(
    program
      .command('report')
      .description(
        'KPIs from the warehouse: dau (daily active users), events (per hour and type), bookings (per hour and currency), sessions (per day and platform)',
      )
      .argument('<kpi>', KPI_NAMES.join('|')),
  )
    .option('--since <date>', 'only from this UTC date or date-time on')
    .option('--json', 'print the rows as one JSON document')
    .action(lazyAction(() => import('../actions/query'), 'reportCommand'));
}
