/** What `loadout demo` does (its flags and help: cli/commands/demo.ts), loaded only when it runs. */
import { existsSync, readdirSync } from 'node:fs';
import { loadConfig } from '../../config/load-config';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { overridesFrom } from '../config-flags';
import { printJson } from '../output';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { qualified } from '../../stores/warehouse/sql/identifiers';
import { printRows } from './query';
import type { LoadoutConfig } from '../../config/config-schema';
import { printRunSummary, runPipeline } from './run';
import { redactSecrets } from '../../workers/redact-secrets';

async function printKpis(config: LoadoutConfig): Promise<void> {
  const warehouse = await openWarehouse(config.warehouse);
  const view = (name: string) => qualified(config.warehouseSchema, name);
  try {
    process.stdout.write('\ndaily active users\n');
    printRows(await warehouse.query(`SELECT * FROM ${view('kpi_daily_active_users')} ORDER BY "day"`), false);
    process.stdout.write('\nbookings per currency\n');
    printRows(
      await warehouse.query(
        `SELECT "currency", SUM("bookings") AS "bookings", SUM("purchases") AS "purchases" FROM ${view('kpi_bookings_per_hour')} GROUP BY 1 ORDER BY 2 DESC`,
      ),
      false,
    );
    process.stdout.write('\nsessions per platform\n');
    printRows(
      await warehouse.query(
        `SELECT "platform", SUM("sessions") AS "sessions", ROUND(AVG("mean_duration_s")) AS "mean_duration_s" FROM ${view('kpi_sessions_per_day')} GROUP BY 1 ORDER BY 2 DESC`,
      ),
      false,
    );
    process.stdout.write('\nbusiest hours (events of every type)\n');
    printRows(
      await warehouse.query(
        `SELECT "hour", SUM("events") AS "events" FROM ${view('kpi_events_per_hour')} GROUP BY 1 ORDER BY 2 DESC LIMIT 5`,
      ),
      false,
    );
  } finally {
    await warehouse.close();
  }
}

export async function demoCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  if (/^s3:\/\//.test(config.raw))
    throw new Error('the demo writes its raw zone locally; unset LOADOUT_RAW or pass --raw DIR');
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  if (!existsSync(config.raw) || readdirSync(config.raw).length === 0) {
    const start = new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 1),
    );
    const generated = await generateTelemetry({
      outDir: config.raw,
      events: Number(options.events),
      files: 24,
      start,
      hours: 24,
    });
    say(
      `generated ${generated.records} records of ${start.toISOString().slice(0, 10)} in ${generated.files.length} raw objects under ${config.raw}`,
    );
  } else {
    say(`raw zone ${config.raw} already holds telemetry: ingesting it (delete it to generate a new day)`);
  }
  const summary = await runPipeline(config.raw, config, { progress: !options.json });
  if (options.json) {
    printJson({ ...summary, raw: config.raw, lake: config.lake, warehouse: redactSecrets(config.warehouse) });
    return;
  }
  printRunSummary(summary);
  say('');
  say('Key performance indicators, from the warehouse:');
  await printKpis(config);
  say('');
  say('Where to look next:');
  if (summary.temporalUi)
    say(
      `  Temporal UI        ${summary.temporalUi}/namespaces/${config.temporal.namespace ?? 'default'}/workflows  (the dev server keeps running; \`npx loadout server stop\`)`,
    );
  say(
    `  warehouse          ${redactSecrets(config.warehouse)}   (npx loadout query "SELECT * FROM ${config.warehouseSchema}.purchase LIMIT 5")`,
  );
  say(`  KPIs               npx loadout report dau|events|bookings|sessions   charts: npx loadout dashboard`);
  say(`  loaded Parquet     ${config.lake}/loaded/   manifests ${config.lake}/manifests/`);
  say(
    `  rejected records   npx loadout rejects   (tables ${config.warehouseSchema}.loadout_rejects, loadout_unknown; files ${config.lake}/rejects/, unknown/)`,
  );
  say(`  batch reports      ${config.lake}/batches/`);
  say(`  run it again       npx loadout run ${config.raw}   (completed batches are not reprocessed)`);
}
