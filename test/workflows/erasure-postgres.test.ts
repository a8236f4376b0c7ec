/**
 * The erasure workflow on PostgreSQL: the player's rows deleted from every table and the store,
 * one DELETE per table, other players' rows untouched; a second run deletes nothing; a late event
 * of the player adds nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { ERASED, KEPT, PLAYERS, objectsHolding, scenarioSteps, writeRawObject } from '../helpers/erasure-scenario';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let catalog: Catalog;
let server: PostgresServer;
let dir: string;

beforeAll(async () => {
  [temporal, catalog, server] = await Promise.all([connectTemporal(), loadCatalog(), startPostgres()]);
  dir = mkdtempSync(join(tmpdir(), 'loadout-erasure-pg-'));
}, 120_000);

afterAll(async () => {
  await temporal?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Rows per player (by pseudonym) in each table holding player_id, and in the store. */
async function rowsByPlayer(url: string): Promise<Record<string, Record<string, number>>> {
  const warehouse = await openWarehouse(url);
  try {
    const out: Record<string, Record<string, number>> = {};
    for (const player of PLAYERS) {
      const p = pseudonym(player);
      const counts: Record<string, number> = {};
      for (const table of ['session_begin', 'purchase', 'score_adjustment'])
        counts[table] = Number(
          (await warehouse.query(`SELECT count(*) AS n FROM loadout."${table}" WHERE player_id = $1`, [p]))[0]!.n,
        );
      counts.personal_data = Number(
        (await warehouse.query('SELECT count(*) AS n FROM loadout_pii.personal_data WHERE pseudonym = $1', [p]))[0]!.n,
      );
      out[player] = counts;
    }
    return out;
  } finally {
    await warehouse.close();
  }
}

test('erasure on PostgreSQL deletes the player in every table and the store, and sticks', async () => {
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const warehouseUrl = server.url;
  const taskQueue = uniqueTaskQueue('erasure-pg');
  const activities = createActivities({
    catalog,
    lake,
    warehouseUrl,
    warehouseSchema: 'loadout',
    personalKeys: TEST_PERSONAL_KEYS,
  });
  const run = async <T>(work: () => Promise<T>) => (await testWorker(temporal, taskQueue, activities)).runUntil(work);
  const steps = scenarioSteps(temporal.client, taskQueue, raw);
  writeRawObject(raw, 'a', PLAYERS, 5);
  writeRawObject(raw, 'b', PLAYERS, 6);
  await run(async () => {
    await steps.ingest();
    await steps.load('first');
  });
  const full = { session_begin: 2, purchase: 2, score_adjustment: 2, personal_data: 1 };
  const none = { session_begin: 0, purchase: 0, score_adjustment: 0, personal_data: 0 };
  expect(await rowsByPlayer(warehouseUrl)).toEqual(Object.fromEntries(PLAYERS.map((p) => [p, full])));

  const result = await run(() => steps.erase('first'));
  expect(result.tables).toEqual([
    { schema: 'loadout', table: 'purchase', rows: 2 },
    { schema: 'loadout', table: 'score_adjustment', rows: 2 },
    { schema: 'loadout', table: 'session_begin', rows: 2 },
    // Their rejected and unknown records, kept as text in the tables of rejects and unknown events.
    { schema: 'loadout', table: 'loadout_rejects', rows: 4 },
    { schema: 'loadout', table: 'loadout_unknown', rows: 2 },
    { schema: 'loadout_pii', table: 'personal_data', rows: 1 },
  ]);
  const expected = Object.fromEntries([[ERASED, none], ...KEPT.map((p) => [p, full])]);
  expect(await rowsByPlayer(warehouseUrl)).toEqual(expected);
  expect(await objectsHolding(lake, ERASED)).toEqual([]);

  const again = await run(() => steps.erase('again'));
  expect(again.tables.map((t) => t.rows)).toEqual([0, 0, 0, 0, 0, 0]);
  expect(again.files).toEqual([]);

  writeRawObject(raw, 'c', [ERASED], 7);
  const late = await run(async () => {
    const ingested = await steps.ingest();
    await steps.load('late');
    return ingested;
  });
  expect(late.erased).toBe(6);
  expect(await rowsByPlayer(warehouseUrl)).toEqual(expected);
});
