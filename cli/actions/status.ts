/** What `loadout status` does (its flags and help: cli/commands/status.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { overridesFrom } from '../config-flags';
import { CommandError, printJson, printText } from '../output';
import { openRuntime } from '../runtime';
import { collectStatus } from '../status';
import { formatStatus } from '../status-report';
import { temporalUiBase } from '../temporal-ui';

export async function statusCommand(options: Record<string, unknown>): Promise<void> {
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
}
