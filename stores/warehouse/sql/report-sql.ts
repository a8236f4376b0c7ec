/** The queries of `loadout report`: one KPI view, optionally from a UTC date on ($1), in a stable order. */
import { qualified } from './identifiers';

export const REPORTS: Readonly<Record<string, { view: string; time: string; order: string }>> = {
  dau: { view: 'kpi_daily_active_users', time: 'day', order: '"day"' },
  events: { view: 'kpi_events_per_hour', time: 'hour', order: '"hour", "event"' },
  bookings: { view: 'kpi_bookings_per_hour', time: 'hour', order: '"hour", "currency"' },
  sessions: { view: 'kpi_sessions_per_day', time: 'day', order: '"day", "platform"' },
};

export function reportSql(schema: string, kpi: string, since: boolean): string {
  const report = REPORTS[kpi];
  if (!report) throw new Error(`unknown report ${kpi}: use ${Object.keys(REPORTS).join(', ')}`);
  return `SELECT * FROM ${qualified(schema, report.view)}${since ? ` WHERE "${report.time}" >= CAST($1 AS TIMESTAMP)` : ''} ORDER BY ${report.order}`;
}
