/**
 * The KPI views of the seeds, in SQL that PostgreSQL, Redshift and DuckDB all run. Timestamps are
 * TIMESTAMPTZ; every adapter sets its session to UTC, so CAST(... AS TIMESTAMP) is the UTC wall clock.
 */
import { ident, qualified } from './identifiers';

export interface KpiView {
  name: string;
  /** Tables the view reads; it is created only when they all exist. */
  needs: readonly string[];
  sql(schema: string, existingTables: readonly string[]): string;
}

/** The type of summed money: DECIMAL(38,4) is the widest decimal DuckDB and Redshift hold, NUMERIC(38,4) on PostgreSQL. */
export const BOOKINGS_TYPE = 'DECIMAL(38,4)';

const hour = `DATE_TRUNC('hour', CAST("date" AS TIMESTAMP))`;
const day = `CAST(DATE_TRUNC('day', CAST("date" AS TIMESTAMP)) AS DATE)`;

export const KPI_VIEWS: readonly KpiView[] = [
  {
    name: 'kpi_daily_active_users',
    needs: ['session_begin'],
    sql: (schema) =>
      `SELECT ${day} AS "day", COUNT(DISTINCT "player_id") AS "daily_active_users" FROM ${qualified(schema, 'session_begin')} GROUP BY 1`,
  },
  {
    name: 'kpi_events_per_hour',
    needs: [],
    sql: (schema, tables) =>
      tables
        .map(
          (t) =>
            `SELECT ${hour} AS "hour", CAST('${t}' AS VARCHAR(128)) AS "event", COUNT(*) AS "events" FROM ${qualified(schema, t)} GROUP BY 1`,
        )
        .join('\nUNION ALL\n'),
  },
  {
    name: 'kpi_bookings_per_hour',
    needs: ['purchase'],
    sql: (schema) =>
      // An exact decimal sum with one declared type on every dialect (each would widen SUM of a
      // DECIMAL(18,4) its own way), so bookings agree to the cent across warehouses.
      `SELECT ${hour} AS "hour", "currency", CAST(SUM("amount") AS ${BOOKINGS_TYPE}) AS "bookings", COUNT(*) AS "purchases" FROM ${qualified(schema, 'purchase')} GROUP BY 1, 2`,
  },
  {
    name: 'kpi_sessions_per_day',
    needs: ['session_begin', 'session_end'],
    sql: (schema) =>
      `SELECT CAST(DATE_TRUNC('day', CAST(b."date" AS TIMESTAMP)) AS DATE) AS "day", b."platform", COUNT(*) AS "sessions", ` +
      `COUNT(e."psess") AS "ended_sessions", AVG(e."duration_s") AS "mean_duration_s" ` +
      `FROM ${qualified(schema, 'session_begin')} AS b LEFT JOIN ${qualified(schema, 'session_end')} AS e ON e."psess" = b."psess" GROUP BY 1, 2`,
  },
];

export function createKpiViewSql(schema: string, view: KpiView, existingTables: readonly string[]): string | undefined {
  if (!view.needs.every((t) => existingTables.includes(t)) || existingTables.length === 0) return undefined;
  for (const t of existingTables) ident(t);
  return `CREATE OR REPLACE VIEW ${qualified(schema, view.name)} AS\n${view.sql(schema, existingTables)}`;
}
