/** `loadout_loads` rows on DuckDB and PostgreSQL: one per load and table, a repeated write adds nothing. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openWarehouse } from '../../../../stores/warehouse/open-warehouse';
import { createSchemaSql } from '../../../../stores/warehouse/sql/merge-sql';
import { createLoadsSql, insertLoadSql, type TableLoadRow } from '../../../../stores/warehouse/sql/loads-sql';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres-server';

let dir: string;
let postgres: PostgresServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-loads-'));
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const row: TableLoadRow = {
  loadId: 'loadout-load-local-purchase/0b7c3f2e-5d1a-4c1e-9b8e-2f4f1d6a7c90',
  workflowId: 'loadout-load-local',
  table: 'purchase',
  status: 'loaded',
  manifests: 3,
  manifestsApplied: 2,
  rows: 1234,
  startedAt: '2026-11-23T09:00:00.000Z',
  finishedAt: '2026-11-23T09:00:07.250Z',
};

test.each(['duckdb', 'postgres'])('on %s a retried write of a load row adds nothing', async (kind) => {
  const w = await openWarehouse(kind === 'duckdb' ? `duckdb:${join(dir, 'w.duckdb')}` : postgres.url);
  try {
    await w.runDdl([createSchemaSql('loadout'), createLoadsSql('loadout'), createLoadsSql('loadout')]);
    for (let attempt = 0; attempt < 2; attempt++) await w.runDdl([insertLoadSql('loadout', row)]);
    await w.runDdl([insertLoadSql('loadout', { ...row, loadId: `${row.loadId.slice(0, -1)}1`, rows: 5 })]);
    const rows = await w.query(
      `SELECT load_id, workflow_id, table_name, status, manifests, manifests_applied, "rows", CAST(EXTRACT(EPOCH FROM finished_at - started_at) AS DOUBLE PRECISION) AS seconds FROM loadout.loadout_loads ORDER BY load_id`,
    );
    expect(rows.map((r) => ({ ...r, rows: Number(r.rows), seconds: Number(r.seconds) }))).toEqual([
      {
        load_id: row.loadId,
        workflow_id: row.workflowId,
        table_name: 'purchase',
        status: 'loaded',
        manifests: 3,
        manifests_applied: 2,
        rows: 1234,
        seconds: 7.25,
      },
      expect.objectContaining({ load_id: `${row.loadId.slice(0, -1)}1`, rows: 5 }),
    ]);
  } finally {
    await w.close();
  }
});

test('names and times outside the literal alphabet are refused, never quoted into SQL', () => {
  expect(() => insertLoadSql('loadout', { ...row, table: "purchase'; DROP TABLE x; --" })).toThrow(
    'refusing SQL literal',
  );
  expect(() => insertLoadSql('loadout', { ...row, startedAt: 'not a time' })).toThrow();
});
