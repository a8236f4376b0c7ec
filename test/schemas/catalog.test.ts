/** The shipped catalog against event-catalog.md: tags, tables, keys, output columns in order, fingerprints. */
import { beforeAll, describe, expect, test } from 'vitest';
import type { ColumnType } from '../../schemas/column-types';
import { z } from 'zod';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { defineEvent, type EventType } from '../../schemas/define-event';
import {
  boolean,
  flatten,
  integer,
  jsonText,
  number,
  oneOf,
  pattern,
  string,
  timestamp,
  uuid,
} from '../../schemas/fields';

type Col = [name: string, type: ColumnType, nullable?: boolean];

/** Straight from the spec's table: tag = table, unique key, output columns in order. */
const SPEC: Record<string, { key: string[]; columns: Col[] }> = {
  session_begin: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['player_id', 'string'],
      ['platform', 'string'],
      ['app_version', 'string'],
      ['detailed_logging', 'boolean'],
      ['ip', 'string', true],
      ['device_id', 'string', true],
    ],
  },
  session_end: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['duration_s', 'double'],
      ['reason', 'string'],
    ],
  },
  damage_dealt: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['gsess', 'string'],
      ['psess', 'string'],
      ['eid', 'int64'],
      ['weapon', 'string'],
      ['amount', 'double'],
      ['critical', 'boolean'],
    ],
  },
  damage_taken: {
    key: ['gsess', 'hit_id'],
    columns: [
      ['gsess', 'string'],
      ['hit_id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['source', 'string'],
      ['amount', 'double'],
    ],
  },
  kiosk_weapon_offered: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['gsess', 'string'],
      ['eid', 'int64'],
      ['weapon', 'string'],
    ],
  },
  purchase: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['player_id', 'string'],
      ['sku', 'string'],
      ['amount', 'decimal'],
      ['currency', 'string'],
    ],
  },
  score_adjustment: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['player_id', 'string'],
      ['delta', 'int64'],
      ['reason', 'string'],
    ],
  },
  loadout_changed: {
    key: ['id'],
    columns: [
      ['id', 'string'],
      ['date', 'timestamp'],
      ['psess', 'string'],
      ['items', 'json'],
      ['perks', 'json', true],
    ],
  },
  match_end: {
    key: ['gsess', 'psess'],
    columns: [
      ['gsess', 'string'],
      ['psess', 'string'],
      ['date', 'timestamp'],
      ['result', 'string'],
      ['kills', 'int64'],
      ['deaths', 'int64'],
      ['stats_accuracy', 'double'],
      ['stats_headshots', 'int64'],
    ],
  },
};

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('catalog contents', () => {
  test('declares exactly the spec event types, each tag being its table name', () => {
    expect([...catalog.eventTypes.map((t) => t.tag)].sort()).toEqual(Object.keys(SPEC).sort());
    expect([...catalog.tables].sort()).toEqual(Object.keys(SPEC).sort());
    for (const type of catalog.eventTypes) {
      expect(type.table).toBe(type.tag);
      expect(catalog.table(type.table)).toBe(type);
      expect(catalog.eventType(type.tag)).toBe(type);
    }
  });

  test('an event tag outside the catalog is not found, by tag or by table', () => {
    for (const tag of ['session', 'Session_Begin', 'SESSION_BEGIN', '', 'constructor', 'toString', '__proto__']) {
      expect(catalog.eventType(tag)).toBeUndefined();
      expect(catalog.table(tag)).toBeUndefined();
    }
  });

  test.each(Object.entries(SPEC))(
    '%s: table, unique key and output columns in spec order with spec types',
    (tag, spec) => {
      const type = catalog.eventType(tag)!;
      expect(type).toBeDefined();
      expect(type.table).toBe(tag);
      expect([...type.uniqueKey]).toEqual(spec.key);
      expect(type.columns.map((c) => [c.name, c.type])).toEqual(spec.columns.map(([n, t]) => [n, t]));
      expect(type.columns.map((c) => c.nullable)).toEqual(spec.columns.map(([, , nullable]) => nullable ?? false));
    },
  );

  test('the personal data of the spec is marked with its treatment, and nothing else is', () => {
    const personal = catalog.eventTypes
      .flatMap((t) => t.personal.map((p) => `${t.table}.${p.name}: ${p.treatment}`))
      .sort();
    expect(personal).toEqual([
      'purchase.player_id: pseudonymise',
      'score_adjustment.player_id: pseudonymise',
      'session_begin.device_id: pseudonymise',
      'session_begin.ip: network',
      'session_begin.player_id: pseudonymise',
    ]);
  });

  test('match_end stats are flattened into stats_accuracy (double) and stats_headshots (int64), read from stats.*', () => {
    const type = catalog.eventType('match_end')!;
    const byName = new Map(type.columns.map((c) => [c.name, c]));
    expect(byName.get('stats_accuracy')).toMatchObject({ type: 'double', path: ['stats', 'accuracy'] });
    expect(byName.get('stats_headshots')).toMatchObject({ type: 'int64', path: ['stats', 'headshots'] });
    expect(byName.has('stats')).toBe(false);
  });

  test('loadout_changed items and perks are JSON text columns; perks nullable, items not', () => {
    const type = catalog.eventType('loadout_changed')!;
    expect(type.columns.find((c) => c.name === 'items')).toMatchObject({ type: 'json', nullable: false });
    expect(type.columns.find((c) => c.name === 'perks')).toMatchObject({ type: 'json', nullable: true });
  });

  test('column names are warehouse identifiers, unique within each table', () => {
    for (const type of catalog.eventTypes) {
      const names = type.columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
    }
  });
});

describe('fingerprints', () => {
  test('every table has a 16-hex-digit fingerprint', () => {
    for (const type of catalog.eventTypes) expect(type.fingerprint, type.tag).toMatch(/^[0-9a-f]{16}$/);
  });

  test('fingerprints differ between the catalog tables', () => {
    const prints = catalog.eventTypes.map((t) => t.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
  });

  test('stable: loading the catalog again gives the same fingerprints', async () => {
    const again = await loadCatalog();
    for (const type of catalog.eventTypes) expect(again.eventType(type.tag)!.fingerprint).toBe(type.fingerprint);
  });

  test('never depend on data: validating many records leaves every fingerprint unchanged', () => {
    const before = catalog.eventTypes.map((t) => t.fingerprint);
    for (const type of catalog.eventTypes) {
      type.toRow({ event: type.tag });
      type.toRow({ event: type.tag, id: 'x', extra: { nested: [1, 2, 3] } });
      type.schema.safeParse({ event: type.tag, date: '2026-01-01T00:00:00Z' });
    }
    expect(catalog.eventTypes.map((t) => t.fingerprint)).toEqual(before);
  });

  // Small event types declared here, to show what the fingerprint depends on and what it does not.
  const base = () => ({
    id: uuid(),
    date: timestamp(),
    count: integer({ min: 0 }),
    label: string({ max: 64 }),
  });
  const reference = (): EventType => defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: base() });

  test('same declaration -> same fingerprint', () => {
    expect(reference().fingerprint).toBe(reference().fingerprint);
    expect(reference().fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  test('a column added at the end changes it', () => {
    const added = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...base(), flag: boolean(false) } });
    expect(added.fingerprint).not.toBe(reference().fingerprint);
  });

  test('a column removed changes it', () => {
    const { label: _label, ...fields } = base();
    const removed = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields });
    expect(removed.fingerprint).not.toBe(reference().fingerprint);
  });

  test('a column renamed changes it (by field name or by output name `as`)', () => {
    const { label, ...rest } = base();
    const renamedField = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...rest, title: label } });
    const renamedOutput = defineEvent({
      tag: 'probe',
      uniqueKey: ['id'],
      fields: { ...rest, label: string({ max: 64 }, { as: 'title' }) },
    });
    expect(renamedField.fingerprint).not.toBe(reference().fingerprint);
    expect(renamedOutput.columns.map((c) => c.name)).toEqual(['id', 'date', 'count', 'title']);
    expect(renamedOutput.fingerprint).not.toBe(reference().fingerprint);
    // Named by its output: a source field `label` written as `title` is the same table as a field `title`.
    expect(renamedOutput.fingerprint).toBe(renamedField.fingerprint);
  });

  test('a column retyped changes it (int64 -> double, string -> json, timestamp -> string)', () => {
    const prints = [
      defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...base(), count: number({ min: 0 }) } }),
      defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...base(), label: jsonText(z.string()) } }),
      defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...base(), date: string({ max: 40 }) } }),
    ].map((t) => t.fingerprint);
    for (const p of prints) expect(p).not.toBe(reference().fingerprint);
    expect(new Set(prints).size).toBe(3);
  });

  test('columns reordered change it', () => {
    const { count, label, ...rest } = base();
    const swapped = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...rest, label, count } });
    expect(swapped.columns.map((c) => c.name)).toEqual(['id', 'date', 'label', 'count']);
    expect(swapped.fingerprint).not.toBe(reference().fingerprint);
  });

  test('a flattened object contributes its output columns: adding a sub-field changes it', () => {
    const one = defineEvent({
      tag: 'probe',
      uniqueKey: ['id'],
      fields: { id: uuid(), stats: flatten({ a: integer() }) },
    });
    const two = defineEvent({
      tag: 'probe',
      uniqueKey: ['id'],
      fields: { id: uuid(), stats: flatten({ a: integer(), b: integer() }) },
    });
    const asColumns = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { id: uuid(), stats_a: integer() } });
    expect(one.fingerprint).not.toBe(two.fingerprint);
    // The output is what counts: a flattened stats.a and a plain stats_a write the same column.
    expect(one.fingerprint).toBe(asColumns.fingerprint);
  });

  test('rules that do not change the written columns do not change it', () => {
    const stricter = defineEvent({
      tag: 'probe',
      uniqueKey: ['id'],
      fields: { ...base(), count: integer({ min: 5, max: 10 }), label: pattern(/^[a-z]+$/, 'lower-case') },
    });
    const enumLabel = defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { ...base(), label: oneOf(['a', 'b']) } });
    expect(stricter.fingerprint).toBe(reference().fingerprint);
    expect(enumLabel.fingerprint).toBe(reference().fingerprint);
  });

  test('the same columns give the same fingerprint whatever declares them', () => {
    // "Two builds that write the same columns give the same fingerprint."
    const other = defineEvent({ tag: 'probe_two', table: 'probe_two', uniqueKey: ['id', 'count'], fields: base() });
    expect(other.fingerprint).toBe(reference().fingerprint);
  });
});

describe('defineEvent guards', () => {
  test('a unique key naming an undeclared or optional field is refused', () => {
    expect(() => defineEvent({ tag: 'probe', uniqueKey: ['nope'], fields: { id: uuid() } })).toThrow(/nope/);
    expect(() => defineEvent({ tag: 'probe', uniqueKey: ['id'], fields: { id: uuid().optional() } })).toThrow(/id/);
    expect(() => defineEvent({ tag: 'probe', uniqueKey: [], fields: { id: uuid() } })).toThrow();
  });

  test('two output columns with the same name are refused', () => {
    expect(() =>
      defineEvent({
        tag: 'probe',
        uniqueKey: ['id'],
        fields: { id: uuid(), a_b: integer(), a: flatten({ b: integer() }) },
      }),
    ).toThrow(/a_b/);
  });
});
