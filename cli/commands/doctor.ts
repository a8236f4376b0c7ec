/** `loadout doctor [--warehouse URL] [--json]`: a scratch load end to end on the configured warehouse, each step reported. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { runDoctor, type DoctorReport } from '../doctor/run-doctor';
import { CommandError, formatTable, printJson, printText } from '../output';

export function registerDoctor(program: Command): void {
  withConfigFlags(
    program
      .command('doctor')
      .description(
        'check the warehouse end to end: a small load of every column type in a scratch schema (connect, privileges, for Redshift the COPY role and bucket region, types, merge, ledger, KPI views), then clean up',
      ),
  )
    .option('--json', 'print one JSON document')
    .action(async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const warehouse = await openWarehouse(config.warehouse);
      let report: DoctorReport;
      try {
        report = await runDoctor({ warehouse, lake: openObjectStore(config.lake) });
      } finally {
        await warehouse.close();
      }
      if (options.json) printJson(report);
      else printDoctorReport(report);
      const failed = report.steps.find((s) => !s.ok);
      if (failed) throw new CommandError(`doctor: ${failed.step} failed: ${failed.detail}`);
    });
}

function printDoctorReport(report: DoctorReport): void {
  printText([
    `${report.warehouse} warehouse, scratch schema ${report.schema}`,
    formatTable([
      ['step', 'result', 'ms', 'detail'],
      ...report.steps.map((s) => [s.step, s.ok ? 'ok' : 'FAILED', s.ms, s.detail]),
    ]),
    report.ok ? 'all steps passed' : 'a step failed: see its detail',
  ]);
}
