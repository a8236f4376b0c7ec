/** `loadout dashboard`: the KPI and pipeline page on loopback, until Ctrl-C. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerDashboard(program: Command): void {
  withConfigFlags(
    program
      .command('dashboard')
      .description(
        'serve a page with charts of the KPIs, freshness per table, failed and quarantined batches, drift and the top reject reasons, refreshed while the pipeline runs',
      ),
  )
    .option('--port <port>', 'the port (LOADOUT_DASHBOARD_PORT, default 8234; 0: any free port)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1: this machine only)', '127.0.0.1')
    .option('--since <date>', 'the KPI charts from this UTC date or date-time on, as loadout report --since')
    .option('--refresh <seconds>', 'how often the page asks for new figures', '5')
    .option(
      '--temporal-ui <url>',
      'the Temporal UI of an external cluster, for links to failed workflows (LOADOUT_TEMPORAL_UI)',
    )
    .action(lazyAction(() => import('../actions/dashboard'), 'dashboardCommand'));
}

/** `loadout dev`'s flag for the dashboard it serves. */
export function withDashboardPortFlag(command: Command): Command {
  return command.option(
    '--dashboard-port <port>',
    'serve the dashboard on http://127.0.0.1:PORT/ (LOADOUT_DASHBOARD_PORT, default 8234; 0: any free port)',
  );
}
