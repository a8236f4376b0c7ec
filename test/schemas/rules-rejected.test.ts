/** Every value event-catalog.md rejects, for every field of every event type, rejects the event naming the field. */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { classifyRecord } from '../../core/classify-record';
import { VALID } from '../helpers/catalog-samples';
import { namesField, withValue } from '../helpers/catalog-rules';
import { rejectCases } from '../helpers/catalog-rejected-values';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('rejected values: the event is rejected with a reason naming the field', () => {
  test.each(rejectCases)('$name', ({ tag, path, value }) => {
    const type = catalog.eventType(tag)!;
    const record = withValue(VALID[tag]!, path, value);
    expect(type.toRow(record)).toBeUndefined();
    expect(type.schema.safeParse(record).success).toBe(false);
    const verdict = classifyRecord(catalog, record);
    expect(verdict.kind).toBe('rejected');
    if (verdict.kind !== 'rejected') return;
    expect(verdict.event).toBe(tag);
    // For `stats` itself, a reason naming stats (or one of its sub-fields) names the field.
    expect(verdict.reason).toMatch(namesField(path));
  });
});
