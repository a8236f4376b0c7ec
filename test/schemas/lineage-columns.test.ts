/** Names Loadout reserves for its lineage columns and its own tables are refused in a catalog, with what to do. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadCatalog } from '../../schemas/catalog';
import { defineEvent } from '../../schemas/define-event';
import { string, timestamp, uuid } from '../../schemas/fields';
import { LINEAGE_COLUMNS, withLineage } from '../../schemas/lineage-columns';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const fieldsUrl = new URL('../../schemas/fields.ts', import.meta.url).href;
const defineUrl = new URL('../../schemas/define-event.ts', import.meta.url).href;

/** A catalog folder with one event file, as a studio writes it. */
function catalogWith(declaration: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'loadout-reserved-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'probe.ts'),
    `import { defineEvent } from '${defineUrl}';\nimport { string, uuid } from '${fieldsUrl}';\nexport default defineEvent(${declaration});\n`,
  );
  return dir;
}

test.each(['_loadout_batch', '_loadout_loaded_at', '_loadout_anything'])('a column named %s is refused', (name) => {
  expect(() =>
    defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { id: uuid(), [name]: string({ max: 8 }) } }),
  ).toThrow(`event probe: column "${name}" starts with _loadout_, which Loadout reserves for its lineage columns`);
  // A renamed output column too: the name in the warehouse is what counts.
  expect(() =>
    defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { id: uuid(), other: string({ max: 8 }, { as: name }) } }),
  ).toThrow('reserves for its lineage columns');
});

test.each(['loadout_rejects', 'loadout_unknown', 'loadout_loads', 'loadout_ledger'])(
  'a catalog table named %s is refused when the catalog loads, naming the file',
  async (table) => {
    const dir = catalogWith(`{ tag: 'probe', table: '${table}', uniqueKey: ['id'], fields: { id: uuid() } }`);
    await expect(loadCatalog(dir)).rejects.toThrow(
      `${join(dir, 'probe.ts')}: event probe: table "${table}" is one of Loadout's own tables`,
    );
  },
);

test('other names, loadout_-prefixed tables included (the shipped loadout_changed), load', async () => {
  const dir = catalogWith(
    `{ tag: 'loadout_probe', uniqueKey: ['id'], fields: { id: uuid(), loadout_batch: string({ max: 8 }) } }`,
  );
  const catalog = await loadCatalog(dir);
  expect(catalog.tables).toEqual(['loadout_probe']);
  expect((await loadCatalog()).tables).toContain('loadout_changed');
});

test('the lineage columns follow the declared ones, nullable, so existing tables take them as added columns', () => {
  const type = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { id: uuid(), at: timestamp() } });
  expect(withLineage(type.columns).map((c) => [c.name, c.type, c.nullable])).toEqual([
    ['id', 'string', false],
    ['at', 'timestamp', false],
    ['_loadout_batch', 'string', true],
    ['_loadout_loaded_at', 'timestamp', true],
  ]);
  expect(LINEAGE_COLUMNS.every((c) => c.nullable)).toBe(true);
});
