/**
 * The KPI reports of `loadout report` and the dashboard: one query per report, so both show the
 * same rows of the same warehouse by construction.
 */
import { qualified } from '../stores/warehouse/sql/identifiers';
import type { Warehouse } from '../stores/warehouse/warehouse';

export const KPI_REPORTS = {
  dau: { view: 'kpi_daily_active_users', time: 'day', order: '"day"' },
  events: { view: 'kpi_events_per_hour', time: 'hour', order: '"hour", "event"' },
  // Money as its exact decimal text with 4 fraction digits ("1234.5000"), the same on every warehouse.
  bookings: {
    view: 'kpi_bookings_per_hour',
    time: 'hour',
    order: '"hour", "currency"',
    columns: '"hour", "currency", CAST("bookings" AS VARCHAR(48)) AS "bookings", "purchases"',
  },
  sessions: { view: 'kpi_sessions_per_day', time: 'day', order: '"day", "platform"' },
} as const satisfies Record<string, { view: string; time: string; order: string; columns?: string }>;

export type KpiName = keyof typeof KPI_REPORTS;

export const KPI_NAMES = Object.keys(KPI_REPORTS) as KpiName[];

export function isKpiName(name: string): name is KpiName {
  return Object.hasOwn(KPI_REPORTS, name);
}

/** The report's rows in its order; `since` a UTC date or date-time (checked here). */
export async function readKpiReport(
  warehouse: Warehouse,
  schema: string,
  kpi: KpiName,
  since?: string,
): Promise<Record<string, unknown>[]> {
  const report: { view: string; time: string; order: string; columns?: string } = KPI_REPORTS[kpi];
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new Error(`--since ${since} is not a date`);
  const where = since ? ` WHERE "${report.time}" >= CAST($1 AS TIMESTAMP)` : '';
  return warehouse
    .query(
      `SELECT ${report.columns ?? '*'} FROM ${qualified(schema, report.view)}${where} ORDER BY ${report.order}`,
      since ? [since] : [],
    )
    .catch((error: Error) => {
      if (/does not exist|not found|Catalog Error/i.test(error.message))
        throw new Error(`no ${report.view} view yet: load some telemetry first (loadout run or loadout load)`);
      throw error;
    });
}
