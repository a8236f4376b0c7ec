/**
 * Every rule of event-catalog.md, for every event type, table-driven: each field is given values
 * the spec accepts (and how they are stored) and values it rejects (the reason must name the field).
 * The rules below are transcribed from the spec, not from schemas/.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { classifyRecord } from '../../core/classify-record';
import { VALID } from '../helpers/catalog-samples';
import { RULES, VALID_ROWS, columnOf } from '../helpers/catalog-rules';
import { acceptCases } from '../helpers/catalog-accepted-values';
import { rejectCases } from '../helpers/catalog-rejected-values';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('the rule table covers the catalog', () => {
  test('every event type of the catalog has rules here, and every output column a rule', () => {
    expect(catalog.eventTypes.map((t) => t.tag).sort()).toEqual(Object.keys(RULES).sort());
    for (const type of catalog.eventTypes) {
      const ruled = RULES[type.tag]!.filter(([, r]) => r.kind !== 'object').map(([p]) => columnOf(p));
      expect(
        type.columns.map((c) => c.name),
        type.tag,
      ).toEqual(ruled);
    }
  });

  test.each(Object.keys(VALID))('the valid %s example is stored as the spec row', (tag) => {
    const type = catalog.eventType(tag)!;
    expect(type.toRow(VALID[tag]!)).toEqual(VALID_ROWS[tag]);
    const verdict = classifyRecord(catalog, VALID[tag]);
    expect(verdict.kind).toBe('valid');
    if (verdict.kind === 'valid') expect(verdict.row).toEqual(VALID_ROWS[tag]);
  });

  test('there are many cases', () => {
    expect(acceptCases.length).toBeGreaterThan(150);
    expect(rejectCases.length).toBeGreaterThan(300);
  });
});

describe('several problems at once', () => {
  test('a record with every field missing is rejected, never valid', () => {
    for (const tag of Object.keys(RULES)) {
      const verdict = classifyRecord(catalog, { event: tag });
      expect(verdict.kind, tag).toBe('rejected');
    }
  });

  test('undeclared fields do not make a record invalid', () => {
    for (const [tag, record] of Object.entries(VALID)) {
      const verdict = classifyRecord(catalog, { ...record, region: 'eu-west', extra: { deep: [1, 2] } });
      expect(verdict.kind, tag).toBe('valid');
      if (verdict.kind === 'valid') expect(verdict.row).toEqual(VALID_ROWS[tag]);
    }
  });
});
