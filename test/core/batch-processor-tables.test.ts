/** BatchProcessor given a table list: only those tables are staged, and a table outside the catalog is refused. */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BatchProcessor } from '../../core/batch-processor';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';
import { batchProcessorRunner } from '../helpers/batch-processor-runner';
import { MIXED, SOURCE, u } from '../helpers/batch-processor-records';

const bp = batchProcessorRunner('loadout-batch-processor-tables-');
const { scratch, run, rows } = bp;

describe('BatchProcessor with a table list', () => {
  test('only the listed tables are staged; valid events of other tables are skipped', async () => {
    const out = await run([[SOURCE, MIXED]], ['purchase', 'match_end']);
    expect(out.tables.map((t) => t.table).sort()).toEqual(['match_end', 'purchase']);
    expect(out.stats.events).toEqual({ purchase: 2, match_end: 2 });
    expect(out.stats.duplicates).toBe(1);
    // 13 valid records of other tables (duplicates included), and possibly the invalid session_begin.
    expect(out.stats.skipped).toBeGreaterThanOrEqual(13);
    expect(out.stats.skipped + out.stats.rejected).toBe(19);
    const purchases = await rows(out.tables.find((t) => t.table === 'purchase')!.path, 'date');
    expect(purchases.map((r) => r.id)).toEqual([u(2), u(1)]);
  });

  test('records of tables outside the list are skipped, valid or not ("Valid or not, records of tables outside a replay\'s table list")', async () => {
    const out = await run([[SOURCE, MIXED]], ['purchase', 'match_end']);
    expect(out.stats.skipped).toBe(14);
    // Still rejected: the invalid purchase and the records with no event type at all.
    expect(out.stats.rejected).toBe(5);
  });

  test('a table outside the catalog is refused', () => {
    expect(
      () =>
        new BatchProcessor({
          catalog: bp.catalog,
          workDir: join(scratch.root, 'bad-list'),
          tables: ['purchases'],
          personal: TEST_PERSONAL_KEYS,
        }),
    ).toThrow(/purchases/);
  });
});
