/**
 * Freshness of a merged manifest: for each batch whose staged files it loaded, the merge's commit
 * time minus the creation time of the batch's oldest raw object (from `batches/{batchId}.json`).
 */
import { filesKeyOf, type ManifestFiles } from '../core/manifest';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';

/** `staged/{table}/{fingerprint}-{batchId}.parquet` (or its `loaded/` archive) -> batchId. */
export function batchIdOfStagedKey(key: string): string | undefined {
  return /^(?:staged|loaded)\/[a-z0-9_]+\/[0-9a-f]{16}-([0-9a-f]+)\.parquet$/.exec(key)?.[1];
}

export interface BatchFreshness {
  batchId: string;
  seconds: number;
}

/**
 * Batches without a report or without an object time (a lister that knew none) are left out, and
 * so are replay batches (their reports are under replay/): old data reprocessed is not freshness.
 */
export async function freshnessOfManifest(
  lake: ObjectStore,
  manifestKey: string,
  committedAt: Date,
): Promise<BatchFreshness[]> {
  const files = await readJson<ManifestFiles>(lake, filesKeyOf(manifestKey));
  const batchIds = new Set(files.keys.flatMap((key) => batchIdOfStagedKey(key) ?? []));
  const out: BatchFreshness[] = [];
  for (const batchId of batchIds) {
    const reportKey = `batches/${batchId}.json`;
    if (!(await lake.head(reportKey))) continue;
    const report = await readJson<{ oldestObjectTime?: string }>(lake, reportKey);
    const created = report.oldestObjectTime ? Date.parse(report.oldestObjectTime) : NaN;
    if (Number.isNaN(created)) continue;
    // Clocks of the object store and the worker may disagree by a little: never negative.
    out.push({ batchId, seconds: Math.max(0, (committedAt.getTime() - created) / 1000) });
  }
  return out;
}
