/** What `loadout doctor` does (its flags and help: cli/commands/doctor.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { overridesFrom } from '../config-flags';
import { runDoctor, type DoctorReport } from '../doctor/run-doctor';
import { CommandError, formatTable, printJson, printText } from '../output';

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

export async function doctorCommand(options: Record<string, unknown>): Promise<void> {
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
}
