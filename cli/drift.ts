/** Reads the drift registry's parts from the lake and reports them against the catalog. */
import {
  DRIFT_PARTS_PREFIX,
  driftReport,
  mergeParts,
  type DriftRegistryPart,
  type DriftReport,
} from '../core/drift-registry';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';

const READS_AT_ONCE = 16;

export async function readDriftReport(lake: ObjectStore, catalog: Catalog): Promise<DriftReport> {
  const keys: string[] = [];
  for await (const o of lake.list(DRIFT_PARTS_PREFIX)) if (o.key.endsWith('.json')) keys.push(o.key);
  const parts: DriftRegistryPart[] = [];
  for (let i = 0; i < keys.length; i += READS_AT_ONCE) {
    parts.push(
      ...(await Promise.all(keys.slice(i, i + READS_AT_ONCE).map((k) => readJson<DriftRegistryPart>(lake, k)))),
    );
  }
  return driftReport(mergeParts(parts), catalog);
}
