/** The merge sets `_loadout_loaded_at` to its transaction's timestamp, the one its ledger row gets. */
import { expect, test } from 'vitest';
import { mergeStatements } from '../../../../stores/warehouse/sql/merge-sql';
import type { MergePlan } from '../../../../stores/warehouse/warehouse';

const plan: MergePlan = {
  schema: 'loadout',
  table: 'session_end',
  targetColumns: [],
  fileColumns: [
    { name: 'id', type: 'string', nullable: false },
    { name: 'reason', type: 'string', nullable: false },
    { name: '_loadout_batch', type: 'string', nullable: true },
  ],
  fingerprint: 'abcdef0123456789',
  uniqueKey: ['id'],
  files: [],
  manifestKey: 'manifests/session_end/m.json',
  manifestUrl: 's3://lake/manifests/session_end/m.json',
};

test.each([
  [undefined, 'CURRENT_TIMESTAMP'],
  ['SYSDATE', 'SYSDATE'],
])('with a loaded-at column, the insert sets it to %s, as the ledger row', (now, expected) => {
  const [, , insert, ledger] = mergeStatements({ ...plan, loadedAtColumn: '_loadout_loaded_at' }, { now });
  expect(insert).toContain(
    `INSERT INTO "loadout"."session_end" ("id", "reason", "_loadout_batch", "_loadout_loaded_at") SELECT "id", "reason", "_loadout_batch", ${expected} FROM`,
  );
  expect(ledger).toContain(`(SELECT COUNT(*) FROM "stg_session_end_abcdef0123456789_one"), ${expected} WHERE`);
});

test('without one (the personal-data store), the insert names the file columns only', () => {
  const [, , insert] = mergeStatements(plan);
  expect(insert).toContain('("id", "reason", "_loadout_batch") SELECT "id", "reason", "_loadout_batch" FROM');
});
