/** The load's activities: plan manifests, prepare the table, merge a manifest, archive its files. */
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  archivedKeyOf,
  doneKeyOf,
  filesKeyOf,
  fingerprintOfStagedKey,
  manifestKeyOf,
  type CopyManifest,
  type ManifestFiles,
} from '../core/manifest';
import type { Catalog } from '../schemas/catalog';
import { warehouseColumnOf } from '../schemas/column-types';
import { withLineage } from '../schemas/lineage-columns';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import type { MergeOutcome, StagedFile, Warehouse, WarehouseColumn } from '../stores/warehouse/warehouse';
import { REFUSED_MIGRATION, UNKNOWN_TABLE } from '../workflows/failure-types';
import { addedColumns, createdTable, refusalMessage } from '../workflows/schema-migration-types';
import { fileColumnsOf } from './file-columns';
import { tableSchemaOf } from './table-schema';
import { applyMigration } from './migration-activities';
import { withWarehouse } from './warehouse-session';
import { SIDE_TABLES, loadTargetOf, personalDataSchemaOf, type LoadTarget } from './load-target';
import { LOADED_AT_COLUMN } from '../schemas/lineage-columns';
import { createLoadsSql } from '../stores/warehouse/sql/loads-sql';
import { qualified } from '../stores/warehouse/sql/identifiers';
import { PERSONAL_DATA_TABLE } from '../core/personal/personal-data-file';

export interface LoadDeps {
  catalog: Catalog;
  lake: ObjectStore;
  warehouseUrl: string;
  warehouseSchema: string;
}

export interface PlannedManifest {
  manifestKey: string;
  fingerprint: string;
  files: number;
  bytes: number;
}

const MAX_FILES_PER_MANIFEST = 500;

/**
 * Manifests of a table's staged files. Manifests written by an earlier, interrupted load come
 * first and unchanged, so each staged file belongs to exactly one manifest, loaded at most once.
 */
export async function planTableLoad(deps: LoadDeps, input: { table: string }): Promise<PlannedManifest[]> {
  const { lake } = deps;
  const target = targetOf(deps, input.table);
  const pending: PlannedManifest[] = [];
  const claimed = new Set<string>();
  for (const key of await unfinishedManifests(lake, input.table)) {
    const files = await readJson<ManifestFiles>(lake, filesKeyOf(key));
    for (const k of files.keys) claimed.add(k);
    pending.push({
      manifestKey: key,
      fingerprint: files.fingerprint,
      files: files.keys.length,
      bytes: sum(files.bytes),
    });
  }
  const byFingerprint = new Map<string, { key: string; size: number }[]>();
  for await (const o of lake.list(target.stagedPrefix)) {
    const fingerprint = fingerprintOfStagedKey(o.key);
    if (fingerprint === undefined || claimed.has(o.key)) continue;
    const group = byFingerprint.get(fingerprint) ?? [];
    group.push({ key: o.key, size: o.size });
    byFingerprint.set(fingerprint, group);
  }
  const fresh: PlannedManifest[] = [];
  for (const [fingerprint, files] of byFingerprint) {
    for (let i = 0; i < files.length; i += MAX_FILES_PER_MANIFEST) {
      const chunk = files.slice(i, i + MAX_FILES_PER_MANIFEST);
      const manifestKey = manifestKeyOf(
        input.table,
        fingerprint,
        chunk.map((f) => f.key),
      );
      const copy: CopyManifest = {
        entries: chunk.map((f) => ({ url: lake.urlOf(f.key), mandatory: true, meta: { content_length: f.size } })),
      };
      const sidecar: ManifestFiles = {
        table: input.table,
        fingerprint,
        keys: chunk.map((f) => f.key),
        bytes: chunk.map((f) => f.size),
      };
      // Sidecar first: a manifest without its file list would be unreadable after a crash.
      await lake.write(filesKeyOf(manifestKey), JSON.stringify(sidecar));
      await lake.write(manifestKey, JSON.stringify(copy, null, 1));
      fresh.push({ manifestKey, fingerprint, files: chunk.length, bytes: sum(sidecar.bytes) });
    }
  }
  return [...pending, ...fresh];
}

/**
 * The additive part of the table's migration, refusing the rest. loadTable runs started before it
 * ran schemaMigration as a child (workflows/load-table.ts, patched) still call this activity.
 */
export async function prepareTable(
  deps: LoadDeps,
  input: { table: string },
): Promise<{ created: boolean; addedColumns: string[] }> {
  const { plan, applied } = await applyMigration(deps, input);
  if (plan.refused.length > 0) throw ApplicationFailure.nonRetryable(refusalMessage([plan]), REFUSED_MIGRATION);
  return { created: createdTable(applied), addedColumns: addedColumns(applied) };
}

export async function mergeManifest(
  deps: LoadDeps,
  input: { table: string; manifestKey: string },
): Promise<MergeOutcome & { seconds: number }> {
  return withWarehouse(deps.warehouseUrl, (warehouse) => mergeManifestIn(deps, warehouse, input));
}

/** One manifest's merge in an open warehouse session: loadTableGroup merges a group's manifests in one. */
export async function mergeManifestIn(
  deps: LoadDeps,
  warehouse: Warehouse,
  input: { table: string; manifestKey: string },
): Promise<MergeOutcome & { seconds: number }> {
  const started = performance.now();
  const outcome = await mergeManifestOnce(deps, warehouse, input);
  return { ...outcome, seconds: Math.round(performance.now() - started) / 1000 };
}

async function mergeManifestOnce(
  deps: LoadDeps,
  warehouse: Warehouse,
  input: { table: string; manifestKey: string },
): Promise<MergeOutcome> {
  const into = targetOf(deps, input.table);
  const type = into.type;
  const files = await readJson<ManifestFiles>(deps.lake, filesKeyOf(input.manifestKey));
  const fileColumns = await fileColumnsOf(
    into.catalog,
    deps.lake,
    input.table,
    files.fingerprint,
    files.keys[0]!,
    into.lineage,
  );
  // The declared columns, the evolved ones batches recorded (activities/table-schema.ts), then lineage.
  const declared = (await tableSchemaOf(deps.lake, type)).declaration.columns.map(warehouseColumnOf);
  const target: WarehouseColumn[] = into.lineage ? withLineage(declared) : declared;
  const unknown = fileColumns.filter((c) => !target.some((t) => t.name === c.name));
  if (unknown.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `${input.manifestKey}: staged columns ${unknown.map((c) => c.name).join(', ')} are no longer declared for ${input.table}; restore them in schemas/ or replay the window`,
      REFUSED_MIGRATION,
    );
  }
  const local = await localCopies(deps.lake, warehouse, files);
  try {
    return await warehouse.merge({
      schema: into.schema,
      table: input.table,
      targetColumns: target,
      fileColumns,
      fingerprint: files.fingerprint,
      uniqueKey: type.uniqueKey,
      files: local.files,
      manifestKey: input.manifestKey,
      manifestUrl: deps.lake.urlOf(input.manifestKey),
      ...(into.lineage ? { loadedAtColumn: LOADED_AT_COLUMN } : {}),
    });
  } finally {
    await local.cleanup();
  }
}

/** Moves a loaded manifest's files to loaded/ and marks it done; safe to repeat. */
export async function archiveManifest(deps: LoadDeps, input: { manifestKey: string }): Promise<number> {
  const files = await readJson<ManifestFiles>(deps.lake, filesKeyOf(input.manifestKey));
  for (const key of files.keys) await deps.lake.move(key, archivedKeyOf(key));
  await deps.lake.write(doneKeyOf(input.manifestKey), new Date().toISOString());
  return files.keys.length;
}

/**
 * Tables with staged files or unfinished manifests, optionally limited to a list. Two listings
 * (staged files, manifests), not two per declared table: with hundreds of event types a load
 * costs what the tables holding files cost.
 */
export async function listTablesToLoad(deps: LoadDeps, input: { tables?: string[] }): Promise<string[]> {
  // Rejects and unknown events ride every load not limited to some tables, or are named in the list.
  const wanted = input.tables ?? [...deps.catalog.tables, ...SIDE_TABLES];
  for (const table of wanted)
    if (deps.catalog.table(table) === undefined && !SIDE_TABLES.includes(table))
      throw ApplicationFailure.nonRetryable(`unknown table ${table}`, UNKNOWN_TABLE);
  // Once, before the loadTable children run side by side: concurrent CREATEs of them conflict.
  await withWarehouse(deps.warehouseUrl, async (warehouse) => {
    await warehouse.ensureLedger(deps.warehouseSchema);
    await warehouse.runDdl([createLoadsSql(deps.warehouseSchema)]);
  });
  const waiting = await tablesWithStagedFiles(deps.lake, 'staged/');
  for (const table of await tablesWithUnfinishedManifests(deps.lake)) waiting.add(table);
  const out = wanted.filter((table) => waiting.has(table));
  // The personal-data store rides every load that is not limited to some tables.
  const store = targetOf(deps, PERSONAL_DATA_TABLE);
  if (
    input.tables === undefined &&
    ((await first(deps.lake.list(store.stagedPrefix))) ||
      (await unfinishedManifests(deps.lake, PERSONAL_DATA_TABLE)).length > 0)
  ) {
    await withWarehouse(deps.warehouseUrl, async (warehouse) => {
      await warehouse.ensureLedger(personalDataSchemaOf(deps.warehouseSchema));
      await warehouse.runDdl([createLoadsSql(personalDataSchemaOf(deps.warehouseSchema))]);
    });
    out.push(PERSONAL_DATA_TABLE);
  }
  return out;
}

/** `{prefix}{table}/...` -> the tables holding at least one object, from one listing. */
async function tablesWithStagedFiles(lake: ObjectStore, prefix: string): Promise<Set<string>> {
  const tables = new Set<string>();
  for await (const o of lake.list(prefix)) {
    const table = o.key.slice(prefix.length).split('/')[0];
    if (table) tables.add(table);
  }
  return tables;
}

/** Tables with a manifest not yet marked done, from one listing of manifests/. */
async function tablesWithUnfinishedManifests(lake: ObjectStore): Promise<Set<string>> {
  const done = new Set<string>();
  const manifests: string[] = [];
  for await (const o of lake.list('manifests/')) {
    if (o.key.endsWith('.done')) done.add(o.key);
    else if (o.key.endsWith('.json') && !o.key.endsWith('.files.json')) manifests.push(o.key);
  }
  return new Set(manifests.filter((m) => !done.has(doneKeyOf(m))).map((m) => m.split('/')[1]!));
}

/** Manifests written by a load that has not archived their files yet. */
async function unfinishedManifests(lake: ObjectStore, table: string): Promise<string[]> {
  const done = new Set<string>();
  const manifests: string[] = [];
  for await (const o of lake.list(`manifests/${table}/`)) {
    if (o.key.endsWith('.done')) done.add(o.key);
    else if (o.key.endsWith('.json') && !o.key.endsWith('.files.json')) manifests.push(o.key);
  }
  return manifests.filter((m) => !done.has(doneKeyOf(m)));
}

/** DuckDB and PostgreSQL read local files: an S3 lake's files are fetched to a temp dir first. */
async function localCopies(
  lake: ObjectStore,
  warehouse: Warehouse,
  files: ManifestFiles,
): Promise<{ files: StagedFile[]; cleanup: () => Promise<void> }> {
  const remote = lake.location.startsWith('s3://');
  if (warehouse.dialect === 'redshift' || !remote) {
    return {
      files: files.keys.map((key, i) => ({ key, url: lake.urlOf(key), bytes: files.bytes[i]! })),
      cleanup: async () => {},
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'loadout-load-'));
  const out: StagedFile[] = [];
  for (const [i, key] of files.keys.entries()) {
    const path = join(dir, `${i}.parquet`);
    await writeFile(path, await lake.readBytes(key));
    out.push({ key, url: path, bytes: files.bytes[i]! });
  }
  return { files: out, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function targetOf(deps: LoadDeps, table: string): LoadTarget {
  const target = loadTargetOf(deps, table);
  if (target === undefined) throw ApplicationFailure.nonRetryable(`no schema declares ${table}`, 'UnknownTable');
  return target;
}

async function first<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** (Re)creates the KPI views over the tables that exist now. */
export async function refreshKpiViews(deps: LoadDeps): Promise<string[]> {
  const { KPI_VIEWS, createKpiViewSql } = await import('../stores/warehouse/sql/kpi-sql');
  return withWarehouse(deps.warehouseUrl, async (warehouse) => {
    const existing: string[] = [];
    for (const table of deps.catalog.tables) {
      // The views count events by their `date`: a type without one (a studio's exported schema) stays out.
      const dated = deps.catalog.table(table)?.columns.some((c) => c.name === 'date' && c.type === 'timestamp');
      if (dated && (await warehouse.describeTable(deps.warehouseSchema, table))) existing.push(table);
    }
    const created: string[] = [];
    for (const view of KPI_VIEWS) {
      const sql = createKpiViewSql(deps.warehouseSchema, view, existing);
      if (sql === undefined) continue;
      // PostgreSQL replaces a view only when its columns keep their types (bookings became a
      // decimal): such a view is dropped and created again, in one transaction.
      await warehouse
        .runDdl([sql])
        .catch(() =>
          warehouse.runTransaction([`DROP VIEW IF EXISTS ${qualified(deps.warehouseSchema, view.name)}`, sql]),
        );
      created.push(view.name);
    }
    return created;
  });
}
