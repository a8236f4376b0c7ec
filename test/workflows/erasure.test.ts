/**
 * The erasure workflow end to end on the real dev server and DuckDB: every row of the player gone
 * from every table and the store, every lake record (staged, loaded, rejects, unknown, pii, drift
 * examples) gone, other players untouched; no clear id in its history; a second run removes
 * nothing; a replay of the window and a late event add nothing (counted as erased); the raw zone
 * rewritten on request, gzip kept.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { exportSubject, type SubjectExport } from '../../cli/pii-export';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import type { KeyRing } from '../../stores/keys/key-ring';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { erasureWorkflowId } from '../../workflows/workflow-ids';
import type { ReplayInput, ReplayResult } from '../../workflows/replay-types';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';
import {
  ERASED,
  KEPT,
  PLAYERS,
  WINDOW,
  historyText,
  objectsHolding,
  scenarioSteps,
  writeRawObject,
} from '../helpers/erasure-scenario';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let catalog: Catalog;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-erasure-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEST_RING: KeyRing = {
  personal: TEST_PERSONAL_KEYS,
  dataKeys: new Map([[TEST_PERSONAL_KEYS.dataKey.id, TEST_PERSONAL_KEYS.dataKey]]),
};
const rowCounts = (e: SubjectExport) =>
  Object.fromEntries(Object.entries(e.tables).map(([t, rows]) => [t, rows.length]));

test('erasure removes the player everywhere and sticks through a replay and a late event', async () => {
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const path = join(dir, 'warehouse.duckdb');
  const taskQueue = uniqueTaskQueue('erasure');
  const deps = { catalog, lake, warehouseUrl: `duckdb:${path}`, warehouseSchema: 'loadout' };
  // A worker shuts down after runUntil: one per phase.
  const worker = {
    runUntil: async <T>(work: () => Promise<T>): Promise<T> =>
      (await testWorker(temporal, taskQueue, createActivities({ ...deps, personalKeys: TEST_PERSONAL_KEYS }))).runUntil(
        work,
      ),
  };
  const steps = scenarioSteps(temporal.client, taskQueue, raw);
  const subject = async (player: string) => {
    const warehouse = new DuckDbWarehouse(path);
    try {
      return await exportSubject({ ...deps, warehouse, keys: TEST_RING }, player);
    } finally {
      await warehouse.close();
    }
  };
  await worker.runUntil(async () => {
    writeRawObject(raw, 'a', PLAYERS, 5);
    await steps.ingest();
    await steps.load('first');
    // A second batch staged and not loaded yet: erasure rewrites staged/ and pii/staged/ too.
    writeRawObject(raw, 'b', PLAYERS, 6);
    await steps.ingest();
  });
  const before = await subject(ERASED);
  expect(rowCounts(before)).toEqual({ session_begin: 1, purchase: 1, score_adjustment: 1 });
  expect(before.lakeFiles.length).toBeGreaterThan(6);
  const kept = await Promise.all(KEPT.map(subject));
  expect(await objectsHolding(lake, ERASED)).not.toEqual([]);

  const result = await worker.runUntil(() => steps.erase('first'));
  expect(result.pseudonym).toBe(pseudonym(ERASED));
  expect(Object.fromEntries(result.tables.map((t) => [`${t.schema}.${t.table}`, t.rows]))).toEqual({
    'loadout.session_begin': 1,
    'loadout.purchase': 1,
    'loadout.score_adjustment': 1,
    // Their rejected and unknown records, kept as text in the tables of rejects and unknown events.
    'loadout.loadout_rejects': 2,
    'loadout.loadout_unknown': 1,
    'loadout_pii.personal_data': 1,
  });
  const areas = new Set(result.files.map((f) => f.area));
  expect([...areas].sort()).toEqual(['personal-data', 'rejects', 'reports', 'tables', 'unknown']);
  const keys = result.files.map((f) => f.key);
  for (const prefix of ['staged/', 'loaded/', 'pii/staged/', 'pii/loaded/', 'rejects/', 'unknown/'])
    expect(
      keys.some((k) => k.startsWith(prefix)),
      prefix,
    ).toBe(true);
  // Two objects: one row per table file, one reject and one malformed line per rejects file (and per
  // file of the rejects table), one unknown record.
  for (const f of result.files.filter((f) => f.area !== 'reports'))
    expect(f.removed, f.key).toBe(f.area === 'rejects' || f.key.includes('/loadout_rejects/') ? 2 : 1);

  await worker.runUntil(() => steps.load('after-erasure'));
  const after = await subject(ERASED);
  expect(rowCounts(after)).toEqual({ session_begin: 0, purchase: 0, score_adjustment: 0 });
  expect(after.personalData.values).toEqual({});
  expect(after.lakeFiles).toEqual([]);
  // No clear id anywhere in the lake; the record of the erasure holds the pseudonym only.
  expect(await objectsHolding(lake, ERASED)).toEqual([]);
  expect(JSON.parse(readFileSync(join(lake.location, `erasures/${pseudonym(ERASED)}.json`), 'utf8'))).toMatchObject({
    pseudonym: pseudonym(ERASED),
  });
  // Other players untouched: their rows (now with the second batch loaded), store values and files.
  for (const [i, player] of KEPT.entries()) {
    const now = await subject(player);
    expect(rowCounts(now)).toEqual({ session_begin: 2, purchase: 2, score_adjustment: 2 });
    expect(now.personalData.values).toEqual(kept[i]!.personalData.values);
    expect(now.lakeFiles.length).toBeGreaterThanOrEqual(kept[i]!.lakeFiles.length);
  }
  // Sessions without player_id (session_end, by psess) are kept: 2 objects x 3 players.
  const w = new DuckDbWarehouse(path);
  expect(await w.query('SELECT count(*)::INTEGER AS n FROM loadout.session_end')).toEqual([{ n: 6 }]);
  await w.close();

  // Id, input, result, search attributes: the pseudonym only.
  const history = await historyText(temporal.client, `${erasureWorkflowId(taskQueue, pseudonym(ERASED))}-first`);
  expect(history).toContain(pseudonym(ERASED));
  for (const player of PLAYERS) expect(history.includes(player), player).toBe(false);

  const again = await worker.runUntil(() => steps.erase('again'));
  expect(again.tables.every((t) => t.rows === 0)).toBe(true);
  expect(again.files).toEqual([]);
  expect(Object.values(again.lake).every((t) => t.files === 0 && t.records === 0)).toBe(true);
  expect(again.recordedAt).toBe(result.recordedAt);

  // A replay of the window: the player's records are dropped as erased, nothing comes back.
  const replay: ReplayInput = { environment: taskQueue, source: raw.location, ...WINDOW, lostWorkerTimeout: '30s' };
  const replayed = (await worker.runUntil(() =>
    temporal.client.workflow.execute('replay', { workflowId: `${taskQueue}-replay`, taskQueue, args: [replay] }),
  )) as ReplayResult;
  expect(replayed.failures).toEqual([]);
  let erasedInReplay = 0;
  for await (const o of lake.list('replay/batches/'))
    erasedInReplay += (
      JSON.parse(Buffer.from(await lake.readBytes(o.key)).toString('utf8')) as { stats: { erased: number } }
    ).stats.erased;
  expect(erasedInReplay).toBe(12);
  // A late event of the player: dropped too.
  writeRawObject(raw, 'c', [ERASED, KEPT[0]!], 7);
  const late = await worker.runUntil(async () => {
    const ingested = await steps.ingest();
    await steps.load('late');
    return ingested;
  });
  expect(late.erased).toBe(6);
  expect(rowCounts(await subject(ERASED))).toEqual({ session_begin: 0, purchase: 0, score_adjustment: 0 });
  expect(rowCounts(await subject(KEPT[0]!))).toEqual({ session_begin: 3, purchase: 3, score_adjustment: 3 });
  expect(await objectsHolding(lake, ERASED)).toEqual([]);

  // The raw zone, on request: gzip in, gzip out, the other players' records kept.
  const rawErasure = await worker.runUntil(() => steps.erase('raw', { rawSource: raw.location }));
  expect(rawErasure.raw?.files.map((f) => [f.key, f.removed])).toEqual([
    ['2026/11/22/10/a.gz', 6],
    ['2026/11/22/10/b.gz', 6],
    ['2026/11/22/10/c.gz', 6],
  ]);
  const a = gunzipSync(readFileSync(join(raw.location, '2026/11/22/10/a.gz'))).toString('utf8');
  expect(a).not.toContain(ERASED);
  expect(a.split('\n').filter((l) => l.includes(KEPT[1]!))).toHaveLength(6);
});
