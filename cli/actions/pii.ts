/** What `loadout pii` does (its flags and help: cli/commands/pii.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { loadCatalog } from '../../schemas/catalog';
import { openPersonalKeys } from '../../stores/keys/open-personal-keys';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { overridesFrom } from '../config-flags';
import { printJson } from '../output';
import { exportSubject } from '../pii-export';

export async function exportCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const warehouse = await openWarehouse(config.warehouse);
  try {
    const result = await exportSubject(
      {
        catalog: await loadCatalog(config.schemas),
        warehouse,
        warehouseSchema: config.warehouseSchema,
        lake: openObjectStore(config.lake),
        keys: await openPersonalKeys(config),
      },
      String(options.player),
    );
    if (options.json) return printJson(result);
    const out = [`pseudonym ${result.pseudonym}`];
    for (const [name, values] of Object.entries(result.personalData.values)) out.push(`${name}: ${values.join(', ')}`);
    if (result.personalData.firstSeen)
      out.push(`seen ${result.personalData.firstSeen} to ${result.personalData.lastSeen}`);
    for (const [table, rows] of Object.entries(result.tables)) out.push(`${table}: ${rows.length} rows`);
    out.push(`lake files: ${result.lakeFiles.length}`, ...result.lakeFiles.map((k) => `  ${k}`));
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await warehouse.close();
  }
}
