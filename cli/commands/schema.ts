/**
 * `loadout schema list`: the catalog with keys, columns and fingerprints; `loadout schema drift`:
 * attributes and event types the source carries that the catalog does not declare; `schema export`:
 * an inferred or evolved schema as a catalog file.
 */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('the event catalog (schemas/)');
  schema
    .command('list')
    .description('every event type with its table, unique key, output columns and fingerprint')
    .option('--json', 'print one JSON document')
    .option('--schemas <dir>', 'the event catalog directory (LOADOUT_SCHEMAS, default: the shipped schemas/events)')
    .action(lazyAction(() => import('../actions/schema'), 'listCommand'));

  schema
    .command('init <dir>')
    .description("write a catalog package (the shipped event files, importing 'loadout/schemas') for LOADOUT_SCHEMAS")
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/schema'), 'initCommand'));

  withConfigFlags(
    schema
      .command('export <event>')
      .description(
        'write an inferred table, or a declared type with its evolved columns, as a catalog file (in the catalog folder it takes precedence)',
      ),
  )
    .option('--out <dir|file>', 'where to write: a directory or a .ts file (default: the catalog folder, else here)')
    .option('--force', 'overwrite the file if it exists')
    .option('--json', 'print one JSON document')
    .action(lazyAction(() => import('../actions/schema'), 'exportCommand'));

  withConfigFlags(
    schema
      .command('drift')
      .description(
        'new attributes and unknown event types seen in the source, with counts, first/last seen and an example',
      ),
  )
    .option('--json', 'print one JSON document (with every attribute variation)')
    .action(lazyAction(() => import('../actions/schema'), 'driftCommand'));
}
