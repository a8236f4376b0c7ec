/** Every value event-catalog.md accepts, for every field of every event type, is stored normalised. */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { classifyRecord } from '../../core/classify-record';
import { VALID } from '../helpers/catalog-samples';
import { VALID_ROWS, columnOf, withValue } from '../helpers/catalog-rules';
import { acceptCases } from '../helpers/catalog-accepted-values';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('accepted values are stored normalised', () => {
  test.each(acceptCases)('$name', ({ tag, path, value, stored, json }) => {
    const type = catalog.eventType(tag)!;
    const record = withValue(VALID[tag]!, path, value);
    const verdict = classifyRecord(catalog, record);
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ kind: 'valid' });
    if (verdict.kind !== 'valid') return;
    const at = type.columns.findIndex((c) => c.name === columnOf(path));
    expect(at).toBeGreaterThanOrEqual(0);
    const cell = verdict.row[at];
    if (json) {
      expect(typeof cell).toBe('string');
      expect(JSON.parse(cell as string)).toEqual(stored);
    } else {
      expect(cell).toEqual(stored);
    }
    // Only that column differs from the valid example's row.
    const expected = [...VALID_ROWS[tag]!];
    expected[at] = cell;
    expect(verdict.row).toEqual(expected);
  });
});
