/** A test file's dev server connection, the catalog and a scratch directory, for the CLI's status tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config/load-config';
import type { LoadoutConfig } from '../../config/config-schema';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ObjectStore } from '../../stores/object/object-store';
import { TEST_PERSONAL_KEYS } from './personal-keys';
import { connectTemporal, testWorker, type TemporalTestContext } from './temporal';

export let temporal: TemporalTestContext;
export let catalog: Catalog;
export let dir: string;

/** Connects and loads before the file's tests; closes and removes the directory after them. Read the bindings inside tests. */
export function useStatusTestContext(): void {
  beforeAll(async () => {
    temporal = await connectTemporal();
    catalog = await loadCatalog();
    dir = mkdtempSync(join(tmpdir(), 'loadout-status-'));
  });

  afterAll(async () => {
    await temporal?.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** A test's own pipeline under `dir`: config (its environment named `environment`), raw zone and lake. */
export function statusHome(
  name: string,
  environment: string,
): { config: LoadoutConfig; raw: ObjectStore; lake: ObjectStore } {
  const home = join(dir, name);
  const loaded = loadConfig(
    { env: 'local', home, lake: join(home, 'lake'), warehouse: `duckdb:${join(home, 'w.duckdb')}` },
    {},
    dir,
  );
  const config = { ...loaded, env: environment };
  return { config, raw: openObjectStore(join(home, 'raw')), lake: openObjectStore(config.lake) };
}

/** A worker on the test server staging into `lake` and loading into `warehouseUrl`. */
export function statusWorker(taskQueue: string, lake: ObjectStore, warehouseUrl: string): Promise<Worker> {
  return testWorker(
    temporal,
    taskQueue,
    createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake, warehouseUrl, warehouseSchema: 'loadout' }),
  );
}
