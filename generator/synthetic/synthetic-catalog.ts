/**
 * The synthetic types as a declared catalog: event files for LOADOUT_SCHEMAS (what a studio would
 * commit), or EventTypes in memory for tests. Late attributes are optional: records before they appear lack them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineEvent, type EventType } from '../../schemas/define-event';
import { boolean, integer, number, string, timestamp, uuid, type Field } from '../../schemas/fields';
import type { SyntheticAttribute, SyntheticType } from './synthetic-types';

/** Every synthetic record: an `id` key, a `date`, a session, then the type's attributes. */
export function syntheticEventType(type: SyntheticType): EventType {
  const fields: Record<string, Field> = { id: uuid(), date: timestamp(), psess: uuid() };
  for (const a of type.attributes) fields[a.name] = fieldOf(a);
  return defineEvent({ tag: type.tag, uniqueKey: ['id'], fields });
}

function fieldOf(a: SyntheticAttribute): Field {
  const field =
    a.kind === 'integer'
      ? integer({ min: 0 })
      : a.kind === 'number'
        ? number({ min: 0 })
        : a.kind === 'string'
          ? string({ max: 64 })
          : boolean();
  return a.appearsAt > 0 ? field.optional() : field;
}

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** One `<tag>.mts` per type (ES module wherever the folder is) in `dir`, importing this checkout's schema helpers by absolute path. */
export function writeSyntheticCatalog(dir: string, types: readonly SyntheticType[]): void {
  mkdirSync(dir, { recursive: true });
  const helpers = JSON.stringify(join(SCHEMAS, 'fields.ts'));
  const define = JSON.stringify(join(SCHEMAS, 'define-event.ts'));
  for (const type of types) {
    const fields = [
      'id: uuid()',
      'date: timestamp()',
      'psess: uuid()',
      ...type.attributes.map((a) => `${a.name}: ${fieldSource(a)}`),
    ];
    writeFileSync(
      join(dir, `${type.tag}.mts`),
      `/** ${type.tag}: a synthetic event type written by loadout generate --types. */\n` +
        `import { defineEvent } from ${define};\n` +
        `import { boolean, integer, number, string, timestamp, uuid } from ${helpers};\n\n` +
        `export default defineEvent({\n  tag: '${type.tag}',\n  uniqueKey: ['id'],\n  fields: {\n` +
        fields.map((f) => `    ${f},\n`).join('') +
        `  },\n});\n`,
    );
  }
}

function fieldSource(a: SyntheticAttribute): string {
  const base =
    a.kind === 'integer'
      ? 'integer({ min: 0 })'
      : a.kind === 'number'
        ? 'number({ min: 0 })'
        : a.kind === 'string'
          ? 'string({ max: 64 })'
          : 'boolean()';
  return a.appearsAt > 0 ? `${base}.optional()` : base;
}
