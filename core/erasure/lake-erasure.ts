/**
 * Removes one erased player's records from the files Loadout wrote in the lake, area by area, each
 * file rewritten whole under its own key (a new object replaces the old one atomically, so
 * manifests and reports still name it). The player is known by pseudonym only: raw text is matched
 * by hashing each candidate id under the pseudonym key and comparing.
 *
 * A staged file that an unfinished manifest claims is left alone and reported pending: a load is
 * about to merge it, its manifest records its size, and rewriting it under the load could make the
 * COPY fail or miss. The erasure workflow waits for that load and takes the file in loaded/.
 */
import { join } from 'node:path';
import type { Catalog } from '../../schemas/catalog';
import type { ObjectStore } from '../../stores/object/object-store';
import { ACKNOWLEDGED_QUARANTINE_PREFIX, QUARANTINE_PREFIX } from '../quarantine';
import { DRIFT_PARTS_PREFIX } from '../drift-registry';
import { doneKeyOf, filesKeyOf, type ManifestFiles } from '../manifest';
import { PERSONAL_DATA_TABLE } from '../personal/personal-data-file';
import { REJECTS_TABLE, SIDE_TABLE_RECORD_COLUMN, UNKNOWN_TABLE } from '../side-tables';
import { pseudonymOf } from '../personal/pseudonym';
import { personalValuesOfText } from './record-text';
import { pseudonymisedNames } from './erased-records';
import { rewriteParquetWithout } from './parquet-rewrite';
import { recordsWithout, rejectsWithout, type ErasedValue } from './record-lines';
import { examplesWithout } from './report-examples';

/** The lake's areas, erased one activity each. */
export const LAKE_AREAS = ['tables', 'personal-data', 'rejects', 'unknown', 'reports'] as const;
export type LakeArea = (typeof LAKE_AREAS)[number];

export interface FileErasure {
  key: string;
  /** Records (rows, lines, examples) removed from the file. */
  removed: number;
}

export interface LakeAreaErasure {
  area: LakeArea;
  files: FileErasure[];
  /** Staged files holding the player that an unfinished manifest claims: taken once loaded. */
  pending: string[];
}

/**
 * Files listed in a workflow's payloads, per area: a player of years can be in thousands of
 * batches, and Temporal refuses payloads past 2 MB. The totals always count every file.
 */
export const MAX_LISTED_FILES = 1000;

/** What the activity returns: the first MAX_LISTED_FILES files, the totals, the pending count. */
export interface LakeAreaSummary {
  area: LakeArea;
  files: FileErasure[];
  filesRewritten: number;
  recordsRemoved: number;
  pending: number;
}

export function summaryOf(erasure: LakeAreaErasure): LakeAreaSummary {
  return {
    area: erasure.area,
    files: erasure.files.slice(0, MAX_LISTED_FILES),
    filesRewritten: erasure.files.length,
    recordsRemoved: erasure.files.reduce((n, f) => n + f.removed, 0),
    pending: erasure.pending.length,
  };
}

export interface LakeErasureDeps {
  lake: ObjectStore;
  catalog: Catalog;
  pseudonymKey: Uint8Array;
  /** A local directory for rewritten files. */
  workDir: string;
  /** Called after each file looked at, so an activity can heartbeat. */
  progress?: (key: string) => void;
}

export async function eraseLakeArea(
  deps: LakeErasureDeps,
  area: LakeArea,
  pseudonym: string,
): Promise<LakeAreaErasure> {
  const names = pseudonymisedNames(deps.catalog);
  const cache = new Map<string, boolean>();
  const isErased: ErasedValue = (clear) => {
    let erased = cache.get(clear);
    if (erased === undefined) cache.set(clear, (erased = pseudonymOf(deps.pseudonymKey, clear) === pseudonym));
    return erased;
  };
  const out: LakeAreaErasure = { area, files: [], pending: [] };
  const text = async (prefixes: string[], rewrite: (text: string) => { text: string; removed: number }) => {
    for (const prefix of prefixes)
      for await (const o of deps.lake.list(prefix)) {
        const result = rewrite(Buffer.from(await deps.lake.readBytes(o.key)).toString('utf8'));
        if (result.removed > 0) {
          await deps.lake.write(o.key, result.text);
          out.files.push({ key: o.key, removed: result.removed });
        }
        deps.progress?.(o.key);
      }
  };
  switch (area) {
    case 'tables':
      for (const type of deps.catalog.eventTypes) {
        const columns = type.personal.filter((p) => p.treatment === 'pseudonymise').map((p) => p.name);
        if (columns.length > 0) await parquetArea(deps, type.table, ['staged/', 'loaded/'], columns, pseudonym, out);
      }
      // Rejects and unknown events staged as tables keep the record text: searched for the player's ids.
      for (const table of [REJECTS_TABLE, UNKNOWN_TABLE]) {
        const holdsPlayer = (cell: unknown) =>
          typeof cell === 'string' && personalValuesOfText(cell, names).some((v) => v === pseudonym || isErased(v));
        await parquetArea(deps, table, ['staged/', 'loaded/'], [SIDE_TABLE_RECORD_COLUMN], holdsPlayer, out);
      }
      break;
    case 'personal-data':
      await parquetArea(deps, PERSONAL_DATA_TABLE, ['pii/staged/', 'pii/loaded/'], ['pseudonym'], pseudonym, out);
      break;
    case 'rejects':
      await text(['rejects/', 'replay/rejects/'], (t) => rejectsWithout(t, names, isErased));
      break;
    case 'unknown':
      await text(['unknown/', 'replay/unknown/'], (t) => recordsWithout(t, names, isErased));
      break;
    case 'reports':
      // Quarantine records hold keys and reasons; drift parts and batch reports hold examples, which
      // are redacted for known event types but kept whole for unknown ones.
      await text(
        [QUARANTINE_PREFIX, ACKNOWLEDGED_QUARANTINE_PREFIX, DRIFT_PARTS_PREFIX, 'batches/', 'replay/batches/'],
        (t) => examplesWithout(t, names, isErased),
      );
      break;
  }
  return out;
}

/** `{prefix}{table}/` Parquet files for each prefix; staged ones claimed by an unfinished manifest are pending. */
async function parquetArea(
  deps: LakeErasureDeps,
  table: string,
  prefixes: string[],
  columns: string[],
  pseudonym: string | ((cell: unknown) => boolean),
  out: LakeAreaErasure,
): Promise<void> {
  const claimed = await claimedKeys(deps.lake, table);
  for (const prefix of prefixes) {
    for await (const o of deps.lake.list(`${prefix}${table}/`)) {
      if (!o.key.endsWith('.parquet')) continue;
      const workPath = join(deps.workDir, `${out.files.length}-${out.pending.length}.parquet`);
      const bytes = await deps.lake.readBytes(o.key);
      if (claimed.has(o.key)) {
        // Only read to tell whether it holds the player: never rewritten under a load.
        const probe = await rewriteParquetWithout(bytes, columns, pseudonym, workPath);
        if (probe.removed > 0) out.pending.push(o.key);
      } else {
        const result = await rewriteParquetWithout(bytes, columns, pseudonym, workPath);
        if (result.bytes !== undefined) {
          await deps.lake.write(o.key, result.bytes);
          out.files.push({ key: o.key, removed: result.removed });
        }
      }
      deps.progress?.(o.key);
    }
  }
}

/** Staged keys listed by a manifest of the table whose load has not archived them yet. */
async function claimedKeys(lake: ObjectStore, table: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const done = new Set<string>();
  const manifests: string[] = [];
  for await (const o of lake.list(`manifests/${table}/`)) {
    if (o.key.endsWith('.done')) done.add(o.key);
    else if (o.key.endsWith('.json') && !o.key.endsWith('.files.json')) manifests.push(o.key);
  }
  for (const m of manifests) {
    if (done.has(doneKeyOf(m))) continue;
    const files = JSON.parse(Buffer.from(await lake.readBytes(filesKeyOf(m))).toString('utf8')) as ManifestFiles;
    for (const k of files.keys) keys.add(k);
  }
  return keys;
}
