/** refreshKpiViews on a real DuckDB file: the events view counts the dated tables that exist, and only those. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { refreshKpiViews } from '../../activities/load-activities';
import { Catalog, loadCatalog } from '../../schemas/catalog';
import { defineEvent } from '../../schemas/define-event';
import { integer, uuid } from '../../schemas/fields';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-kpi-views-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a declared type without a date column (an exported schema) stays out of kpi_events_per_hour', async () => {
  const shipped = await loadCatalog();
  const undated = defineEvent({ tag: 'server_ping', uniqueKey: ['id'], fields: { id: uuid(), ms: integer() } });
  const catalog = new Catalog([...shipped.eventTypes, undated]);
  const path = join(dir, 'warehouse.duckdb');
  const setup = new DuckDbWarehouse(path);
  try {
    await setup.runDdl([
      'CREATE SCHEMA loadout',
      'CREATE TABLE loadout.server_ping (id VARCHAR, ms BIGINT)',
      `CREATE TABLE loadout.session_end (id VARCHAR, "date" TIMESTAMPTZ, psess VARCHAR, duration_s DOUBLE, reason VARCHAR)`,
      `INSERT INTO loadout.session_end VALUES ('a', TIMESTAMPTZ '2026-11-22 10:05:00+00', 'p', 1, 'quit')`,
      `INSERT INTO loadout.server_ping VALUES ('b', 3)`,
    ]);
  } finally {
    await setup.close();
  }
  const views = await refreshKpiViews({
    catalog,
    lake: openObjectStore(join(dir, 'lake')),
    warehouseUrl: `duckdb:${path}`,
    warehouseSchema: 'loadout',
  });
  expect(views).toContain('kpi_events_per_hour');
  const w = new DuckDbWarehouse(path);
  try {
    const rows = await w.query('SELECT "event", "events" FROM loadout.kpi_events_per_hour');
    expect(rows.map((r) => [r.event, Number(r.events)])).toEqual([['session_end', 1]]);
  } finally {
    await w.close();
  }
});
