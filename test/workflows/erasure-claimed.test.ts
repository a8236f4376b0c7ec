/**
 * A staged file holding the player that an unfinished load claims is never rewritten under it: the
 * erasure waits, and fails with what to do when the load stays unfinished; once the load has
 * merged and archived it, the erasure takes the file in loaded/ and deletes the rows it merged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { filesKeyOf, manifestKeyOf, type CopyManifest, type ManifestFiles } from '../../core/manifest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { ERASED, PLAYERS, scenarioSteps, writeRawObject } from '../helpers/erasure-scenario';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let catalog: Catalog;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-erasure-claimed-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a claimed staged file waits for its load; the rows that load merged are deleted after', async () => {
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const path = join(dir, 'warehouse.duckdb');
  const taskQueue = uniqueTaskQueue('erasure-claimed');
  const activities = createActivities({
    catalog,
    lake,
    warehouseUrl: `duckdb:${path}`,
    warehouseSchema: 'loadout',
    personalKeys: TEST_PERSONAL_KEYS,
  });
  const run = async <T>(work: () => Promise<T>) => (await testWorker(temporal, taskQueue, activities)).runUntil(work);
  const steps = scenarioSteps(temporal.client, taskQueue, raw);
  writeRawObject(raw, 'a', PLAYERS, 5);
  await run(() => steps.ingest());
  // A load that wrote its manifest for the staged purchase file and has not merged it yet.
  const staged: string[] = [];
  for await (const o of lake.list('staged/purchase/')) staged.push(o.key);
  expect(staged).toHaveLength(1);
  const fingerprint = /([0-9a-f]{16})-/.exec(staged[0]!)![1]!;
  const manifest = manifestKeyOf('purchase', fingerprint, staged);
  const size = (await lake.head(staged[0]!))!.size;
  const files: ManifestFiles = { table: 'purchase', fingerprint, keys: staged, bytes: [size] };
  const copy: CopyManifest = {
    entries: [{ url: lake.urlOf(staged[0]!), mandatory: true, meta: { content_length: size } }],
  };
  await lake.write(filesKeyOf(manifest), JSON.stringify(files));
  await lake.write(manifest, JSON.stringify(copy));

  const waited = await run(() => steps.erase('waits', { claimedWait: { interval: '1s', looks: 2 } })).catch(
    (e: unknown) => e,
  );
  expect(waited).toBeInstanceOf(WorkflowFailedError);
  expect(String((waited as WorkflowFailedError).cause?.message)).toMatch(
    /^1 staged files holding the player are still claimed by an unfinished load: finish that load/,
  );
  expect((await lake.head(staged[0]!))!.size).toBe(size);

  // The load finishes its manifest (the player's purchase row merged), then the erasure completes.
  await run(() => steps.load('claimed'));
  const w = new DuckDbWarehouse(path);
  const count = async () =>
    Number(
      (await w.query('SELECT count(*) AS n FROM loadout.purchase WHERE player_id = $1', [pseudonym(ERASED)]))[0]!.n,
    );
  expect(await count()).toBe(1);
  await w.close();
  const result = await run(() => steps.erase('done', { claimedWait: { interval: '1s', looks: 2 } }));
  expect(result.files).toContainEqual({ key: staged[0]!.replace(/^staged\//, 'loaded/'), removed: 1, area: 'tables' });
  expect(result.tables.find((t) => t.table === 'purchase')?.rows).toBe(1);
  const after = new DuckDbWarehouse(path);
  try {
    expect(
      Number(
        (await after.query('SELECT count(*) AS n FROM loadout.purchase WHERE player_id = $1', [pseudonym(ERASED)]))[0]!
          .n,
      ),
    ).toBe(0);
    expect(Number((await after.query('SELECT count(*) AS n FROM loadout.purchase'))[0]!.n)).toBe(2);
  } finally {
    await after.close();
  }
});
