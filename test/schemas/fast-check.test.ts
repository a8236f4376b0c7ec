/**
 * The hand-written fast checks (`toRow`) must agree with the zod rules (`schema.safeParse`) exactly:
 * on every field of every event type, substituted with a value of every JSON type and edge values,
 * both accept or both reject; when both accept, the row is zod's output mapped to the columns.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import type { EventType } from '../../schemas/define-event';
import { PALETTE, VALID, at, fieldPaths, mulberry32, withValue } from '../helpers/catalog-samples';

interface Disagreement {
  event: string;
  record: string;
  fast: unknown;
  zod: unknown;
}

function compare(type: EventType, record: Record<string, unknown>): Disagreement | undefined {
  const row = type.toRow(record);
  const parsed = type.schema.safeParse(record);
  const describe = (x: unknown) => JSON.stringify(x, (_k, v) => (Object.is(v, -0) ? '-0' : v));
  if ((row !== undefined) !== parsed.success) {
    return {
      event: type.tag,
      record: describe(record),
      fast: row === undefined ? 'rejected' : row,
      zod: parsed.success ? parsed.data : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  if (row === undefined || !parsed.success) return undefined;
  const expected = type.columns.map((c) => {
    const v = at(parsed.data, c.path);
    return v === undefined && c.nullable ? null : v;
  });
  const same = row.length === expected.length && row.every((v, i) => Object.is(v, expected[i]));
  return same ? undefined : { event: type.tag, record: describe(record), fast: describe(row), zod: describe(expected) };
}

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('fast check (toRow) and zod agree', () => {
  test('the valid examples cover every event type and are accepted by both', () => {
    expect(Object.keys(VALID).sort()).toEqual(catalog.eventTypes.map((t) => t.tag).sort());
    for (const type of catalog.eventTypes) {
      expect(type.toRow(VALID[type.tag]!), type.tag).toBeDefined();
      expect(type.schema.safeParse(VALID[type.tag]).success, type.tag).toBe(true);
      expect(compare(type, VALID[type.tag]!)).toBeUndefined();
    }
  });

  test.each(Object.keys(VALID))('%s: every field x every palette value', (tag) => {
    const type = catalog.eventType(tag)!;
    const base = VALID[tag]!;
    const disagreements: Disagreement[] = [];
    let accepted = 0,
      rejected = 0;
    for (const path of fieldPaths(base)) {
      for (const value of PALETTE) {
        const record = withValue(base, path, value);
        const d = compare(type, record);
        if (d) disagreements.push(d);
        if (type.toRow(record) === undefined) rejected++;
        else accepted++;
      }
    }
    expect(disagreements).toEqual([]);
    // The palette must exercise both outcomes for every event.
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(200);
  });

  test.each(Object.keys(VALID))('%s: two fields mutated at once', (tag) => {
    const type = catalog.eventType(tag)!;
    const base = VALID[tag]!;
    const paths = fieldPaths(base);
    const random = mulberry32(tag.length * 7919);
    const disagreements: Disagreement[] = [];
    for (let i = 0; i < 1500; i++) {
      let record = base;
      for (let m = 0; m < 2; m++) {
        const path = paths[Math.floor(random() * paths.length)]!;
        record = withValue(record, path, PALETTE[Math.floor(random() * PALETTE.length)]);
      }
      const d = compare(type, record);
      if (d) disagreements.push(d);
    }
    expect(disagreements).toEqual([]);
  });

  test.each(Object.keys(VALID))('%s: random records assembled from valid values and palette values', (tag) => {
    const type = catalog.eventType(tag)!;
    const base = VALID[tag]!;
    const paths = fieldPaths(base);
    const random = mulberry32(tag.charCodeAt(0) * 104729);
    const disagreements: Disagreement[] = [];
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      let record = base;
      for (const path of paths) {
        if (random() < 0.15) record = withValue(record, path, PALETTE[Math.floor(random() * PALETTE.length)]);
      }
      if (random() < 0.3) record = { ...record, extra_field: PALETTE[Math.floor(random() * PALETTE.length)] ?? null };
      const d = compare(type, record);
      if (d) disagreements.push(d);
      if (type.toRow(record) !== undefined) accepted++;
    }
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(50);
  });

  test('undeclared attributes change neither verdict nor row', () => {
    for (const type of catalog.eventTypes) {
      const base = VALID[type.tag]!;
      const extended = { ...base, region: 'eu', nested: { deep: [1, { x: 2 }] }, n: 1.5 };
      expect(compare(type, extended)).toBeUndefined();
      expect(type.toRow(extended)).toEqual(type.toRow(base));
    }
  });
});
