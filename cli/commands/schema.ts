/** `loadout schema list`: the catalog as shipped in schemas/, with keys, columns and fingerprints. */
import type { Command } from 'commander';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { loadConfig } from '../../config/load-config';
import { formatTable, printJson } from '../output';

export function describeCatalog(catalog: Catalog) {
  return catalog.eventTypes.map((t) => ({
    event: t.tag,
    table: t.table,
    uniqueKey: t.uniqueKey,
    fingerprint: t.fingerprint,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
  }));
}

export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('the event catalog (schemas/)');
  schema
    .command('list')
    .description('every event type with its table, unique key, output columns and fingerprint')
    .option('--json', 'print one JSON document')
    .option('--schemas <dir>', 'the event catalog directory (LOADOUT_SCHEMAS, default: the shipped schemas/events)')
    .action(async (options: { json?: boolean; schemas?: string }) => {
      const described = describeCatalog(await loadCatalog(loadConfig({ schemas: options.schemas }).schemas));
      if (options.json) return printJson(described);
      process.stdout.write(
        `${formatTable([
          ['event / table', 'unique key', 'fingerprint', 'columns'],
          ...described.map((d) => [d.table, d.uniqueKey.join(', '), d.fingerprint, d.columns.map((c) => `${c.name} ${c.type}${c.nullable ? '?' : ''}`).join(', ')]),
        ])}\n`,
      );
    });
}
