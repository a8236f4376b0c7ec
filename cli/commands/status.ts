/**
 * `loadout status`: batches running, failures that need a person, last load per table and its
 * age, what waits; exits non-zero while a failure is outstanding. `loadout status ack` acknowledges.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { CommandError, printJson, printText } from '../output';
import { openRuntime } from '../runtime';
import { collectStatus } from '../status';
import { formatStatus } from '../status-report';
import { temporalUiBase } from '../temporal-ui';
import { registerStatusAck } from './status-ack';

export function registerStatus(program: Command): void {
  const status = withConfigFlags(
    program
      .command('status')
      .description(
        'batches running, failed batches and quarantined objects with their reasons, last load per table and its age, staged files waiting, rejected and unknown counts; exits non-zero while a failure is outstanding',
      ),
  )
    .option(
      '--temporal-ui <url>',
      'the Temporal UI of an external cluster, for links to failed workflows (LOADOUT_TEMPORAL_UI)',
    )
    .option('--json', 'print one JSON document')
    .action(async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const runtime = await openRuntime(config);
      const warehouse = await openWarehouse(config.warehouse);
      try {
        const ui = temporalUiBase(options.temporalUi, runtime.uiUrl);
        const status = await collectStatus(
          config,
          runtime.catalog,
          runtime.client,
          openObjectStore(config.lake),
          warehouse,
          ui,
        );
        if (options.json) printJson(status);
        else printText(formatStatus(status));
        if (status.outstanding > 0) {
          throw new CommandError(
            `${status.outstanding} failure(s) outstanding: fix and run them again, or loadout status ack <workflow-id|object-key>...`,
          );
        }
      } finally {
        await warehouse.close();
        await runtime.close();
      }
    });
  registerStatusAck(status);
}
