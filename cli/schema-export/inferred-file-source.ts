/**
 * An inferred table as a catalog file (`loadout schema export`): defineEvent with the tag, the table
 * as it is, `recordKey: true` (the `_loadout_key` the table has, derived as inference derives it,
 * so redeliveries still collapse) and one optional field per column (field-source.ts).
 */
import type { StagedColumn } from '../../core/batch-output';
import type { EvolutionMode } from '../../schemas/evolution-mode';
import { RECORD_KEY } from '../../schemas/record-key';
import { fieldSources, literal, propertyKey } from './field-source';

export interface InferredFileInput {
  event: string;
  table: string;
  /** The inferred schema version exported (0: staged, never loaded). */
  version: number;
  /** The table's columns: `_loadout_key` first, then the inferred ones. */
  columns: readonly StagedColumn[];
  /** Written into the declaration when given; otherwise the `evolution` setting applies. */
  evolution?: EvolutionMode;
}

export function inferredFileSource(input: InferredFileInput): string {
  const [key, ...columns] = input.columns;
  if (key?.name !== RECORD_KEY) throw new Error(`table ${input.table} has no ${RECORD_KEY} column first`);
  const fields = fieldSources(columns);
  const builders = new Set(['defineEvent', ...fields.flatMap((f) => f.builders)]);
  const version = input.version > 0 ? ` v${input.version}` : ' (staged, not loaded yet)';
  return [
    `/** ${input.table}: exported by \`loadout schema export\` from its inferred schema${version}; keyed by the record, as inferred. */`,
    `import { ${[...builders].sort(byName).join(', ')} } from 'loadout/schemas';`,
    '',
    'export default defineEvent({',
    `  tag: ${literal(input.event)},`,
    `  table: ${literal(input.table)},`,
    '  // _loadout_key: the uuid `id` lower-cased, else a hash of the record (docs/schemas.md, "Exporting a schema").',
    '  recordKey: true,',
    ...(input.evolution === undefined ? [] : [`  evolution: ${literal(input.evolution)},`]),
    '  fields: {',
    ...fields.map((f) => `    ${propertyKey(f.attribute)}: ${f.expression},`),
    '  },',
    '});',
    '',
  ].join('\n');
}

/** `z` after the builders, as the shipped files import it. */
function byName(a: string, b: string): number {
  return a === 'z' ? 1 : b === 'z' ? -1 : a < b ? -1 : a > b ? 1 : 0;
}
