/** What `loadout query` does (its flags and help: cli/commands/query.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { overridesFrom } from '../config-flags';
import { isKpiName, KPI_NAMES, readKpiReport } from '../kpi-reports';
import { formatTable, printJson } from '../output';

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

export async function queryCommand(sql: string, options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  printRows(await readWarehouse(config.warehouse, (w) => w.query(sql)), Boolean(options.json));
}

export async function reportCommand(kpi: string, options: Record<string, unknown>): Promise<void> {
  if (!isKpiName(kpi)) throw new Error(`unknown report ${kpi}: use ${KPI_NAMES.join(', ')}`);
  const config = loadConfig(overridesFrom(options));
  const since = typeof options.since === 'string' ? options.since : undefined;
  const rows = await readWarehouse(config.warehouse, (w) => readKpiReport(w, config.warehouseSchema, kpi, since));
  printRows(rows, Boolean(options.json));
}
