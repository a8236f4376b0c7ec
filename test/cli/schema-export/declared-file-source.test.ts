/** A declared event file with its evolved columns added: fields inserted, imports completed, or refused saying what to add. */
import { expect, test } from 'vitest';
import type { StagedColumn } from '../../../core/batch-output';
import { declaredFileSource } from '../../../cli/schema-export/declared-file-source';
import { defineEvent } from '../../../schemas/define-event';
import { flatten, integer, uuid } from '../../../schemas/fields';

const type = defineEvent({
  tag: 'level_up',
  uniqueKey: ['id'],
  fields: { id: uuid(), stats: flatten({ hp: integer() }) },
});
const column = (name: string, attribute: string, t: StagedColumn['type'] = 'int64'): StagedColumn => ({
  name,
  type: t,
  nullable: true,
  attribute,
});

const multiLine = [
  "import { defineEvent, flatten, integer, uuid } from 'loadout/schemas';",
  '',
  'export default defineEvent({',
  "  tag: 'level_up',",
  "  uniqueKey: ['id'], // a } in a comment, and one in a string: '}'",
  '  fields: {',
  '    id: uuid(),',
  '    stats: flatten({ hp: integer() })',
  '  },',
  '});',
  '',
].join('\n');

test('new attributes are added as optional fields at the end of fields, with their builders imported', () => {
  const out = declaredFileSource(multiLine, type, [
    column('bonus', 'bonus'),
    column('loot_gold', 'loot.gold'),
    column('note', 'note', 'string'),
  ]);
  expect(out).toBe(
    [
      "import { defineEvent, flatten, flattenOptional, integer, string, uuid } from 'loadout/schemas';",
      '',
      'export default defineEvent({',
      "  tag: 'level_up',",
      "  uniqueKey: ['id'], // a } in a comment, and one in a string: '}'",
      '  fields: {',
      '    id: uuid(),',
      '    stats: flatten({ hp: integer() }),',
      '    bonus: integer().optional(),',
      '    loot: flattenOptional({ gold: integer().optional() }),',
      '    note: string({ min: 0, max: 65535 }).optional(),',
      '  },',
      '});',
      '',
    ].join('\n'),
  );
});

test('fields on one line take the new ones on that line', () => {
  const source =
    "import { defineEvent, integer, uuid } from 'loadout/schemas';\nexport default defineEvent({ tag: 'level_up', uniqueKey: ['id'], fields: { id: uuid() } });\n";
  expect(declaredFileSource(source, type, [column('bonus', 'bonus')])).toContain(
    'fields: { id: uuid(), bonus: integer().optional() }',
  );
});

test('an attribute new inside a declared object, or a file without literal fields, is refused with what to add', () => {
  expect(() => declaredFileSource(multiLine, type, [column('stats_mp', 'stats.mp')])).toThrow(
    /stats.mp is new inside stats, which the level_up schema declares as an object: add it to that object's fields by hand/,
  );
  const computed =
    "import { defineEvent } from 'loadout/schemas';\nexport default defineEvent({ tag: 'level_up', ...base });\n";
  expect(() => declaredFileSource(computed, type, [column('bonus', 'bonus')])).toThrow(
    /its fields are not a literal `fields: \{ \.\.\. \}`; add these fields by hand: bonus: integer\(\)\.optional\(\),/,
  );
});
