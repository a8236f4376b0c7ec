/**
 * An inferred table as a catalog file: loaded back, it declares the inferred table's columns (names,
 * types, nullability, key) and turns every record into the same row, names from data included
 * (renamed, quoted, nested, `__proto__`); shapes a catalog cannot declare are refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import type { StagedColumn } from '../../../core/batch-output';
import { pathOf } from '../../../core/attribute-path';
import { EvolvedColumns } from '../../../core/evolution/evolved-columns';
import { textValuesOf } from '../../../core/evolution/evolved-batch';
import { inferredEventType } from '../../../core/evolution/inferred-type';
import { supersetColumns } from '../../../core/evolution/staged-schema';
import { undeclaredLeaves } from '../../../core/evolution/undeclared-leaves';
import type { EventType } from '../../../schemas/define-event';
import { recordKeyOf } from '../../../schemas/record-key';
import { inferredFileSource } from '../../../cli/schema-export/inferred-file-source';

const dir = mkdtempSync(join(tmpdir(), 'loadout-export-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const API = fileURLToPath(new URL('../../../schemas/index.ts', import.meta.url));

/** The inferred table's columns and rows, as batches stage them, after every record has widened its kinds. */
function inferred(tag: string, records: Record<string, unknown>[]) {
  const type = inferredEventType(tag, 'quest');
  const evolved = new EvolvedColumns(type);
  for (const r of records) evolved.rowOf([recordKeyOf(r)], undeclaredLeaves(r, type.declared));
  const staged: StagedColumn[] = evolved.columns.slice(1).map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    attribute: pathOf(c.path),
    ...textValuesOf(c),
  }));
  const columns = supersetColumns(type.columns, [staged]);
  const names = evolved.columns.map((c) => c.name);
  const rows = records.map((r) => {
    const row = evolved.rowOf([recordKeyOf(r)], undeclaredLeaves(r, type.declared));
    return Object.fromEntries(names.map((n, i) => [n, row[i] ?? null]));
  });
  return { columns, rows };
}

async function load(source: string, file: string): Promise<EventType> {
  const path = join(dir, file);
  writeFileSync(path, source.replace("from 'loadout/schemas'", `from ${JSON.stringify(API)}`));
  return ((await import(path)) as { default: EventType }).default;
}

const records: Record<string, unknown>[] = [
  {
    event: "Quest 'Done' */",
    id: 'A1B2C3D4-0000-4000-8000-00000000000A',
    at: '2026-11-22T10:00:00.000Z',
    KillStreak: 3,
    'a.b': 'dotted',
    "it's": 'quoted',
    stats: { crit: 2, Max: 1.5, tags: ['x'] },
    mixed: 5,
    flag: true,
    blob: { deep: { er: 1 } },
  },
  { event: "Quest 'Done' */", id: 'b1b2c3d4-0000-4000-8000-00000000000b', mixed: 'five', stats: null, ratio: 1 },
  { event: "Quest 'Done' */", ratio: 0.5, at: '2026-11-22T11:00:00Z' },
];

test('the exported file declares the inferred table and gives every record the same row', async () => {
  const all = records;
  const { columns, rows } = inferred("Quest 'Done' */", all);
  const source = inferredFileSource({ event: "Quest 'Done' */", table: 'quest', version: 2, columns });
  expect(source).toContain('recordKey: true');
  expect(source).toContain('id: uuid().optional()');
  expect(source).toContain('mixed: anyText().optional()');
  const type = await load(source, 'quest.ts');
  expect(type.tag).toBe("Quest 'Done' */");
  expect(type.uniqueKey).toEqual(['_loadout_key']);
  const byName = (cs: readonly { name: string; type: string; nullable: boolean }[]) =>
    Object.fromEntries(cs.map((c) => [c.name, `${c.type}${c.nullable ? '?' : ''}`]));
  expect(byName(type.columns)).toEqual(byName(columns));
  for (const [i, record] of all.entries()) {
    const row = type.toRow(record);
    expect(row, `record ${i}: ${type.firstRefused(record)?.field}`).toBeDefined();
    expect(Object.fromEntries(type.columns.map((c, k) => [c.name, row![k]]))).toEqual(rows[i]);
  }
});

test('an attribute that is an object in some records and a value in others is refused, saying why', () => {
  const { columns } = inferred('q', [
    { event: 'q', stats: { crit: 1 } },
    { event: 'q', stats: 4 },
  ]);
  expect(() => inferredFileSource({ event: 'q', table: 'quest', version: 1, columns })).toThrow(
    /attribute "stats" is an object in some records and a value in others/,
  );
});

test('an attribute named like an object property (`__proto__`, `constructor`) is refused, saying why', () => {
  // `__proto__` as an own key, as JSON.parse makes it.
  for (const record of [JSON.parse('{"event":"q","__proto__":"x"}'), { event: 'q', stats: { constructor: 1 } }]) {
    const { columns } = inferred('q', [record as Record<string, unknown>]);
    expect(() => inferredFileSource({ event: 'q', table: 'quest', version: 1, columns })).toThrow(
      /is named like a JavaScript object property/,
    );
  }
});
