/** What `loadout rejects` does (its flags and help: cli/commands/rejects.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { overridesFrom } from '../config-flags';
import { CommandError, formatTable, printJson, printText } from '../output';
import { rejectsReport, type RejectsReport } from '../rejects-report';

/** Characters of a record shown in the text listing (--json gives it whole). */
const RECORD_PREVIEW = 80;

export function reportText(report: RejectsReport): string[] {
  const lines = [
    `${report.rejected} rejected record(s)${report.unknown ? `, ${report.unknown.records} unknown event record(s)` : ''}`,
  ];
  if (report.byReason.length > 0) {
    lines.push(
      '',
      formatTable([
        ['table', 'field', 'reason', 'rejects'],
        ...report.byReason.map((c) => [c.table, c.field, c.reason, c.rejects]),
      ]),
    );
  }
  if (report.rows.length > 0) {
    lines.push(
      '',
      `latest ${report.rows.length}:`,
      formatTable([
        ['loaded at', 'key', 'line', 'reason', 'record'],
        ...report.rows.map((r) => [r.loadedAt, r.key, r.line, r.reason, preview(r.record, r.recordTruncated)]),
      ]),
    );
  }
  if (report.unknown && report.unknown.byEvent.length > 0) {
    lines.push(
      '',
      formatTable([['unknown event', 'records'], ...report.unknown.byEvent.map((e) => [e.event, e.records])]),
    );
  }
  return lines;
}

function preview(record: string, truncated: boolean): string {
  const chars = [...record];
  const cut = chars.length > RECORD_PREVIEW;
  return `${chars.slice(0, RECORD_PREVIEW).join('')}${cut || truncated ? '…' : ''}`;
}

export async function rejectsCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const since = typeof options.since === 'string' ? options.since : undefined;
  if (since !== undefined && Number.isNaN(Date.parse(since)))
    throw new CommandError(`--since ${since} is not a date or date-time (e.g. 2026-11-22 or 2026-11-22T10:00:00Z)`);
  const limit = Number(options.limit);
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new CommandError(`--limit ${String(options.limit)} is not a whole number of records`);
  const warehouse = await openWarehouse(config.warehouse);
  let report: RejectsReport;
  try {
    report = await rejectsReport(warehouse, config.warehouseSchema, {
      since: since === undefined ? undefined : new Date(since).toISOString(),
      reason: typeof options.reason === 'string' ? options.reason : undefined,
      table: typeof options.table === 'string' ? options.table : undefined,
      limit,
    });
  } finally {
    await warehouse.close();
  }
  if (options.json) printJson(report);
  else printText(reportText(report));
}
