/**
 * What `loadout rejects` reads: the rejects and unknown events loaded into the warehouse
 * (core/side-tables.ts), counted by table, field and reason, and the rows themselves; values
 * only as parameters, the same SQL on every dialect.
 */
import { REJECTS_TABLE, UNKNOWN_TABLE } from '../core/side-tables';
import { BATCH_COLUMN, LOADED_AT_COLUMN } from '../schemas/lineage-columns';
import { ident, qualified } from '../stores/warehouse/sql/identifiers';
import type { Warehouse } from '../stores/warehouse/warehouse';

export interface RejectsFilter {
  /** Loaded at or after (ISO 8601). */
  since?: string;
  /** Reasons holding this text, case-insensitively. */
  reason?: string;
  /** Records of this event table. */
  table?: string;
  /** Rows listed (the counts cover all). */
  limit: number;
}

export interface RejectCount {
  table: string;
  field: string;
  reason: string;
  rejects: number;
}

export interface RejectRow {
  loadedAt: string;
  table: string | null;
  field: string | null;
  reason: string;
  source: string;
  key: string;
  line: number;
  recordIndex: number;
  record: string;
  recordTruncated: boolean;
  batch: string | null;
}

export interface RejectsReport {
  rejected: number;
  byReason: RejectCount[];
  rows: RejectRow[];
  /** Unknown events by tag; absent when the filter names a reason or a table (unknown records have neither). */
  unknown?: { records: number; byEvent: { event: string; records: number }[] };
}

export async function rejectsReport(w: Warehouse, schema: string, filter: RejectsFilter): Promise<RejectsReport> {
  const rejects = qualified(schema, REJECTS_TABLE);
  const params: unknown[] = [];
  const where: string[] = [];
  const loadedAt = ident(LOADED_AT_COLUMN);
  if (filter.since !== undefined) {
    params.push(filter.since);
    where.push(`${loadedAt} >= CAST($${params.length} AS TIMESTAMPTZ)`);
  }
  const sinceOnly = [...where];
  const sinceParams = [...params];
  if (filter.reason !== undefined) {
    params.push(filter.reason.toLowerCase());
    where.push(`POSITION($${params.length} IN LOWER("reason")) > 0`);
  }
  if (filter.table !== undefined) {
    params.push(filter.table);
    where.push(`"table_name" = $${params.length}`);
  }
  const clause = (w: string[]) => (w.length > 0 ? ` WHERE ${w.join(' AND ')}` : '');
  const report: RejectsReport = { rejected: 0, byReason: [], rows: [] };
  if ((await w.describeTable(schema, REJECTS_TABLE)) !== undefined) {
    const counts = await w.query(
      `SELECT COALESCE("table_name", '') AS "table_name", COALESCE("field", '') AS "field", "reason", COUNT(*) AS "rejects" FROM ${rejects}${clause(where)} GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3`,
      params,
    );
    report.byReason = counts.map((r) => ({
      table: String(r.table_name),
      field: String(r.field),
      reason: String(r.reason),
      rejects: Number(r.rejects),
    }));
    report.rejected = report.byReason.reduce((sum, c) => sum + c.rejects, 0);
    const rows = await w.query(
      `SELECT ${loadedAt} AS "loaded_at", "table_name", "field", "reason", "source", "key", "line", "record_index", "record", "record_truncated", ${ident(BATCH_COLUMN)} AS "batch" FROM ${rejects}${clause(where)} ORDER BY ${loadedAt} DESC, "key", "line", "record_index" LIMIT ${Math.max(0, Math.trunc(filter.limit))}`,
      params,
    );
    report.rows = rows.map((r) => ({
      loadedAt: isoOf(r.loaded_at),
      table: textOrNull(r.table_name),
      field: textOrNull(r.field),
      reason: String(r.reason),
      source: String(r.source),
      key: String(r.key),
      line: Number(r.line),
      recordIndex: Number(r.record_index),
      record: String(r.record),
      recordTruncated: r.record_truncated === true || r.record_truncated === 'true',
      batch: textOrNull(r.batch),
    }));
  }
  if (filter.reason === undefined && filter.table === undefined) {
    report.unknown = { records: 0, byEvent: [] };
    if ((await w.describeTable(schema, UNKNOWN_TABLE)) !== undefined) {
      const byEvent = await w.query(
        `SELECT COALESCE("event", '') AS "event", COUNT(*) AS "records" FROM ${qualified(schema, UNKNOWN_TABLE)}${clause(sinceOnly)} GROUP BY 1 ORDER BY 2 DESC, 1`,
        sinceParams,
      );
      report.unknown.byEvent = byEvent.map((r) => ({ event: String(r.event), records: Number(r.records) }));
      report.unknown.records = report.unknown.byEvent.reduce((sum, e) => sum + e.records, 0);
    }
  }
  return report;
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** DuckDB gives timestamps as text (`2026-11-23 09:20:00.123+00`), PostgreSQL as Date. */
function isoOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const date = new Date(
    String(value)
      .replace(' ', 'T')
      .replace(/([+-]\d\d)$/, '$1:00'),
  );
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
