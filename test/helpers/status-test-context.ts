/** A test file's dev server connection, the catalog and a scratch directory, for the CLI's status tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { connectTemporal, type TemporalTestContext } from './temporal';

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
