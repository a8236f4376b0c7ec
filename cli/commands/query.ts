/** `loadout query "SQL"` and `loadout report dau|events|bookings|sessions`: read the warehouse. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { qualified } from '../../stores/warehouse/sql/identifiers';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { formatTable, printJson } from '../output';

const REPORTS: Record<string, { view: string; time: string; order: string }> = {
  dau: { view: 'kpi_daily_active_users', time: 'day', order: '"day"' },
  events: { view: 'kpi_events_per_hour', time: 'hour', order: '"hour", "event"' },
  bookings: { view: 'kpi_bookings_per_hour', time: 'hour', order: '"hour", "currency"' },
  sessions: { view: 'kpi_sessions_per_day', time: 'day', order: '"day", "platform"' },
};

export function registerQuery(program: Command): void {
  withConfigFlags(program.command('query').description('run a SQL query on the configured warehouse').argument('<sql>'))
    .option('--json', 'print the rows as one JSON document')
    .action(async (sql: string, options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      printRows(await readWarehouse(config.warehouse, (w) => w.query(sql)), Boolean(options.json));
    });

  withConfigFlags(
    program
      .command('report')
      .description(
        'KPIs from the warehouse: dau (daily active users), events (per hour and type), bookings (per hour and currency), sessions (per day and platform)',
      )
      .argument('<kpi>', Object.keys(REPORTS).join('|')),
  )
    .option('--since <date>', 'only from this UTC date or date-time on')
    .option('--json', 'print the rows as one JSON document')
    .action(async (kpi: string, options: Record<string, unknown>) => {
      const report = REPORTS[kpi];
      if (!report) throw new Error(`unknown report ${kpi}: use ${Object.keys(REPORTS).join(', ')}`);
      const config = loadConfig(overridesFrom(options));
      const since = typeof options.since === 'string' ? options.since : undefined;
      if (since !== undefined && Number.isNaN(Date.parse(since))) throw new Error(`--since ${since} is not a date`);
      const rows = await readWarehouse(config.warehouse, (w) =>
        w.query(
          `SELECT * FROM ${qualified(config.warehouseSchema, report.view)}${since ? ` WHERE "${report.time}" >= CAST($1 AS TIMESTAMP)` : ''} ORDER BY ${report.order}`,
          since ? [since] : [],
        ),
      ).catch((error: Error) => {
        if (/does not exist|not found|Catalog Error/i.test(error.message))
          throw new Error(`no ${report.view} view yet: load some telemetry first (loadout run or loadout load)`);
        throw error;
      });
      printRows(rows, Boolean(options.json));
    });
}

async function readWarehouse<T>(
  url: string,
  work: (w: Awaited<ReturnType<typeof openWarehouse>>) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse(url);
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}

export function printRows(rows: Record<string, unknown>[], json: boolean): void {
  if (json) return printJson(rows);
  if (rows.length === 0) {
    process.stdout.write('(no rows)\n');
    return;
  }
  const columns = Object.keys(rows[0]!);
  const cell = (v: unknown): string | number =>
    typeof v === 'number' ? Math.round(v * 100) / 100 : v === null || v === undefined ? '' : String(v);
  process.stdout.write(`${formatTable([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))])}\n`);
}
