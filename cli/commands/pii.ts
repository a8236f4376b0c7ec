/** `loadout pii export --player ID`: a subject access request, answered from the warehouse, the store and the lake. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { loadCatalog } from '../../schemas/catalog';
import { openPersonalKeys } from '../../stores/keys/open-personal-keys';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { printJson } from '../output';
import { exportSubject } from '../pii-export';

export function registerPii(program: Command): void {
  const pii = program.command('pii').description('personal data (docs/personal-data.md)');
  withConfigFlags(
    pii
      .command('export')
      .description(
        "every row of a player across tables, the clear values decrypted, and the lake files holding the player's records",
      ),
  )
    .requiredOption('--player <id>', 'the player id, in clear')
    .option('--json', 'print one JSON document')
    .action(async (options: Record<string, unknown>) => {
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
        for (const [name, values] of Object.entries(result.personalData.values))
          out.push(`${name}: ${values.join(', ')}`);
        if (result.personalData.firstSeen)
          out.push(`seen ${result.personalData.firstSeen} to ${result.personalData.lastSeen}`);
        for (const [table, rows] of Object.entries(result.tables)) out.push(`${table}: ${rows.length} rows`);
        out.push(`lake files: ${result.lakeFiles.length}`, ...result.lakeFiles.map((k) => `  ${k}`));
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await warehouse.close();
      }
    });
}
