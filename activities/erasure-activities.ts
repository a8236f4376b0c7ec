/**
 * The erasure workflow's activities, thin over core/erasure/ and stores/warehouse/erase-rows.ts.
 * They take the pseudonym only; what needs a clear id (raw text) hashes candidates under the
 * worker's pseudonym key and compares.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { erasureKeyOf, type ErasureRecord } from '../core/erasure/erasures';
import {
  eraseLakeArea,
  MAX_LISTED_FILES,
  summaryOf,
  type FileErasure,
  type LakeArea,
  type LakeAreaSummary,
} from '../core/erasure/lake-erasure';
import { eraseRawObjects } from '../core/erasure/raw-erasure';
import { pseudonymOf } from '../core/personal/pseudonym';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import { eraseTableRows, erasureTargetsOf, type ErasureTarget } from '../stores/warehouse/erase-rows';
import { whileHeartbeating } from './heartbeat';
import type { StoreCache } from './store-cache';
import { withWarehouse } from './warehouse-session';

export interface ErasureDeps {
  catalog: Catalog;
  lake: ObjectStore;
  stores: StoreCache;
  warehouseUrl: string;
  warehouseSchema: string;
  pseudonymKey: Uint8Array;
}

/** Written first and kept: from then on every batch drops the player's records. A repeat keeps the first time. */
export async function recordErasure(deps: ErasureDeps, input: { pseudonym: string }): Promise<ErasureRecord> {
  const key = erasureKeyOf(input.pseudonym);
  if (await deps.lake.head(key)) return readJson<ErasureRecord>(deps.lake, key);
  const record: ErasureRecord = { pseudonym: input.pseudonym, recordedAt: new Date().toISOString() };
  await deps.lake.write(key, JSON.stringify(record));
  return record;
}

export async function eraseLakeFiles(
  deps: ErasureDeps,
  input: { pseudonym: string; area: LakeArea },
): Promise<LakeAreaSummary> {
  const workDir = await mkdtemp(join(tmpdir(), 'loadout-erase-'));
  try {
    const erased = await whileHeartbeating(() =>
      eraseLakeArea(
        { lake: deps.lake, catalog: deps.catalog, pseudonymKey: deps.pseudonymKey, workDir },
        input.area,
        input.pseudonym,
      ),
    );
    return summaryOf(erased);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The tables to erase from: names and columns, no data. */
export async function listErasureTargets(deps: ErasureDeps): Promise<ErasureTarget[]> {
  return Promise.resolve(erasureTargetsOf(deps.catalog, deps.warehouseSchema));
}

export async function eraseWarehouseRows(
  deps: ErasureDeps,
  input: { pseudonym: string; target: ErasureTarget },
): Promise<number> {
  const isErased = (clear: string) => pseudonymOf(deps.pseudonymKey, clear) === input.pseudonym;
  return whileHeartbeating(() =>
    withWarehouse(deps.warehouseUrl, (warehouse) =>
      eraseTableRows(warehouse, deps.catalog, input.target, input.pseudonym, isErased),
    ),
  );
}

export async function eraseRawZone(
  deps: ErasureDeps,
  input: { pseudonym: string; source: string },
): Promise<{ files: FileErasure[]; filesRewritten: number; recordsRemoved: number }> {
  const files = await whileHeartbeating(() =>
    eraseRawObjects(
      { raw: deps.stores.open(input.source), catalog: deps.catalog, pseudonymKey: deps.pseudonymKey },
      input.pseudonym,
    ),
  );
  return {
    files: files.slice(0, MAX_LISTED_FILES),
    filesRewritten: files.length,
    recordsRemoved: files.reduce((n, f) => n + f.removed, 0),
  };
}
