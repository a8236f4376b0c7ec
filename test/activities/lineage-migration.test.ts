/**
 * A warehouse made before lineage: its tables get `_loadout_batch` and `_loadout_loaded_at` through
 * the normal additive migration (nullable, old rows keep NULL), on DuckDB and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyMigration, planMigration } from '../../activities/migration-activities';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { createSchemaSql, createTableSql } from '../../stores/warehouse/sql/merge-sql';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';

let dir: string;
let postgres: PostgresServer;
let catalog: Catalog;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-lineage-migration-'));
  postgres = await startPostgres();
  catalog = await loadCatalog();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test.each(['duckdb', 'postgres'])('on %s an existing table gets the lineage columns added', async (kind) => {
  const warehouseUrl = kind === 'duckdb' ? `duckdb:${join(dir, 'old.duckdb')}` : postgres.url;
  const deps = { catalog, warehouseUrl, warehouseSchema: 'loadout' };
  const type = catalog.table('session_end')!;
  const w = await openWarehouse(warehouseUrl);
  try {
    // The table as a load before lineage created it, with a row.
    await w.runDdl([createSchemaSql('loadout'), createTableSql('loadout', 'session_end', type.columns, w.types)]);
    await w.runDdl([
      `INSERT INTO loadout.session_end (id, "date", psess, duration_s, reason) VALUES ('00000000-0000-4000-8000-000000000001', CAST('2026-11-22T10:00:00Z' AS TIMESTAMPTZ), '00000000-0000-4000-8000-000000000002', 5, 'quit')`,
    ]);
    const [plan] = await planMigration(deps, { tables: ['session_end'] });
    expect(plan!.refused).toEqual([]);
    expect(plan!.changes.map((c) => [c.kind, c.column])).toEqual([
      ['addColumn', '_loadout_batch'],
      ['addColumn', '_loadout_loaded_at'],
    ]);
    const applied = await applyMigration(deps, { table: 'session_end' });
    expect(applied.applied.map((c) => c.column)).toEqual(['_loadout_batch', '_loadout_loaded_at']);
    const columns = (await w.describeTable('loadout', 'session_end'))!;
    expect(columns.slice(-2).map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['_loadout_batch', 'string', true],
      ['_loadout_loaded_at', 'timestamp', true],
    ]);
    expect(await w.query('SELECT _loadout_batch, _loadout_loaded_at FROM loadout.session_end')).toEqual([
      { _loadout_batch: null, _loadout_loaded_at: null },
    ]);
    // Nothing left to do.
    const [after] = await planMigration(deps, { tables: ['session_end'] });
    expect([after!.changes, after!.refused]).toEqual([[], []]);
  } finally {
    await w.close();
  }
});
