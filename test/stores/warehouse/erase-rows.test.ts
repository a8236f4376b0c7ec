/**
 * Erasure's per-table deletes: by pseudonym column on DuckDB (other rows kept, a missing table is
 * 0, a repeat deletes nothing), a raw-text table matched by hashing each row's ids (what a table
 * of rejected records would be), and Redshift's count from the Data API's ResultRows.
 */
import { DescribeStatementCommand, ExecuteStatementCommand } from '@aws-sdk/client-redshift-data';
import { join } from 'node:path';
import { beforeAll, beforeEach, expect, test } from 'vitest';
import { pseudonymOf } from '../../../core/personal/pseudonym';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import { DuckDbWarehouse } from '../../../stores/warehouse/duckdb-warehouse';
import { eraseTableRows, erasureTargetsOf, type ErasureTarget } from '../../../stores/warehouse/erase-rows';
import { deleteByPseudonymSql } from '../../../stores/warehouse/sql/erasure-sql';
import { duckDbScratch } from '../../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS, pseudonym } from '../../helpers/personal-keys';
import { harness, mock } from '../../helpers/redshift-data-api-mock';

const scratch = duckDbScratch('loadout-erase-rows-');
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});
beforeEach(() => {
  mock.reset();
});

const isErased = (p: string) => (clear: string) => pseudonymOf(TEST_PERSONAL_KEYS.pseudonymKey, clear) === p;

test('the targets: every table with a pseudonymised column, then the store', () => {
  expect(erasureTargetsOf(catalog, 'loadout')).toEqual([
    { schema: 'loadout', table: 'purchase', kind: 'pseudonym', columns: ['player_id'] },
    { schema: 'loadout', table: 'score_adjustment', kind: 'pseudonym', columns: ['player_id'] },
    { schema: 'loadout', table: 'session_begin', kind: 'pseudonym', columns: ['player_id', 'device_id'] },
    // Rejected records and unknown events keep the raw record text (docs/lineage.md).
    ...['loadout_rejects', 'loadout_unknown'].map((table) => ({
      schema: 'loadout',
      table,
      kind: 'raw-text',
      textColumn: 'record',
      keyColumns: ['source', 'key', 'line', 'record_index'],
    })),
    { schema: 'loadout_pii', table: 'personal_data', kind: 'pseudonym', columns: ['pseudonym'] },
  ]);
});

test('DuckDB: by pseudonym column, and a raw-text table by the ids in its text', async () => {
  const w = new DuckDbWarehouse(join(scratch.root, 'w.duckdb'));
  try {
    const [e, k] = [pseudonym('e'), pseudonym('k')];
    await w.runDdl([
      'CREATE SCHEMA loadout',
      'CREATE TABLE loadout.session_begin (id VARCHAR, player_id VARCHAR, device_id VARCHAR)',
      `INSERT INTO loadout.session_begin VALUES ('1', '${e}', NULL), ('2', '${k}', '${e}'), ('3', '${k}', NULL)`,
      'CREATE TABLE loadout.rejected (source VARCHAR, line BIGINT, record VARCHAR)',
      `INSERT INTO loadout.rejected VALUES ('a', 1, '{"player_id":"e","amount":-1}'), ('a', 2, '{"player_id":"k"}'),
        ('b', 1, '{"event":"x","player_id":"e","n":'), ('b', 2, 'not json at all')`,
    ]);
    const [, , session] = erasureTargetsOf(catalog, 'loadout');
    expect(await eraseTableRows(w, catalog, session!, e, isErased(e))).toBe(2);
    expect(await w.query('SELECT id FROM loadout.session_begin')).toEqual([{ id: '3' }]);
    expect(await eraseTableRows(w, catalog, session!, e, isErased(e))).toBe(0);
    const missing: ErasureTarget = { schema: 'loadout', table: 'purchase', kind: 'pseudonym', columns: ['player_id'] };
    expect(await eraseTableRows(w, catalog, missing, e, isErased(e))).toBe(0);
    const raw: ErasureTarget = {
      schema: 'loadout',
      table: 'rejected',
      kind: 'raw-text',
      textColumn: 'record',
      keyColumns: ['source', 'line'],
    };
    expect(await eraseTableRows(w, catalog, raw, e, isErased(e))).toBe(2);
    expect(await w.query('SELECT source, CAST(line AS INTEGER) AS line FROM loadout.rejected ORDER BY 1, 2')).toEqual([
      { source: 'a', line: 2 },
      { source: 'b', line: 2 },
    ]);
  } finally {
    await w.close();
  }
});

test('Redshift: one ExecuteStatement with the pseudonym as a parameter, its ResultRows the count', async () => {
  const { warehouse } = harness();
  mock.on(ExecuteStatementCommand).resolves({ Id: 'd-1' });
  mock.on(DescribeStatementCommand).resolves({ Id: 'd-1', Status: 'FINISHED', ResultRows: 3, HasResultSet: false });
  expect(await warehouse.deleteRows(deleteByPseudonymSql('loadout', 'purchase', ['player_id']), [pseudonym('e')])).toBe(
    3,
  );
  const sent = mock.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
  expect(sent.Sql).toMatch(/^DELETE FROM "loadout"\."purchase" WHERE "player_id" = :\w+$/);
  expect(JSON.stringify(sent.Parameters)).toContain(pseudonym('e'));
});
