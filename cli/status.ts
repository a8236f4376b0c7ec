/**
 * What `loadout status` shows: batches running, failures that need a person (failed batches and
 * quarantined objects), each table's last load, what waits.
 */
import type { Client } from '@temporalio/client';
import type { LoadoutConfig } from '../config/config-schema';
import { fingerprintOfStagedKey } from '../core/manifest';
import { planTableMigration } from '../stores/warehouse/plan-migration';
import { tableSchemaOf } from '../activities/table-schema';
import { withLineage } from '../schemas/lineage-columns';
import type { RunStats } from '../core/run-stats';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import type { Warehouse } from '../stores/warehouse/warehouse';
import {
  collectFailedBatches,
  collectQuarantined,
  type FailedBatch,
  type QuarantinedObject,
} from './outstanding-failures';

export interface TableStatus {
  table: string;
  lastLoadedAt?: string;
  /** Seconds since the last load of this table committed. */
  lastLoadAgeSeconds?: number;
  stagedFiles: number;
  stagedBytes: number;
  /** Fingerprints of the files waiting, so an older one stuck behind a refused change shows. */
  stagedFingerprints: string[];
  /** The table against its schema, planned as schemaMigration plans it. */
  migration: {
    /** Additive changes the next load (or `loadout migrate --apply`) makes. */
    pending: string[];
    /** Refused changes, each with what to do: while any is listed, the table's staged files wait. */
    refused: string[];
  };
}

export interface PipelineStatus {
  environment: string;
  /** The Temporal UI's address, when known (the embedded dev server's, or --temporal-ui). */
  temporalUi?: string;
  /** Failed batches and quarantined objects not yet fixed or acknowledged: status exits non-zero while any is. */
  outstanding: number;
  batches: { running: number; failed: FailedBatch[] };
  quarantined: QuarantinedObject[];
  tables: TableStatus[];
  rejected: number;
  unknown: Record<string, number>;
}

/** `temporalUi`: the Temporal UI's base address, for links to the failed workflows. */
export async function collectStatus(
  config: LoadoutConfig,
  catalog: Catalog,
  client: Client,
  lake: ObjectStore,
  warehouse: Warehouse,
  temporalUi?: string,
): Promise<PipelineStatus> {
  const env = `LoadoutEnvironment = '${config.env.replaceAll("'", '')}'`;
  let running = 0;
  for await (const _ of client.workflow.list({
    query: `WorkflowType = 'fileBatch' AND ExecutionStatus = 'Running' AND ${env}`,
  }))
    running++;
  const ui = { base: temporalUi, namespace: client.options.namespace };
  const failed = await collectFailedBatches(client, lake, config.env, ui);
  const quarantined = await collectQuarantined(lake, ui);

  await warehouse.ensureLedger(config.warehouseSchema);
  const lastLoad = new Map<string, Date>();
  for (const entry of await warehouse.ledger(config.warehouseSchema)) {
    const seen = lastLoad.get(entry.table);
    if (!seen || entry.loadedAt > seen) lastLoad.set(entry.table, entry.loadedAt);
  }
  const tables: TableStatus[] = [];
  for (const table of catalog.tables) {
    // Evolved columns count as the table's own (activities/table-schema.ts), the lineage columns too.
    const { declaration, evolved } = await tableSchemaOf(lake, catalog.table(table)!);
    const plan = planTableMigration(
      { ...declaration, columns: withLineage(declaration.columns) },
      await warehouse.describeTable(config.warehouseSchema, table),
      {
        schema: config.warehouseSchema,
        dialect: warehouse.dialect,
        types: warehouse.types,
        evolved,
      },
    );
    const status: TableStatus = {
      table,
      stagedFiles: 0,
      stagedBytes: 0,
      stagedFingerprints: [],
      migration: {
        pending: plan.changes.map((c) => c.description),
        refused: plan.refused.map((r) => `${r.column}: ${r.reason}. To do: ${r.todo}`),
      },
    };
    for await (const o of lake.list(`staged/${table}/`)) {
      status.stagedFiles++;
      status.stagedBytes += o.size;
      const fingerprint = fingerprintOfStagedKey(o.key);
      if (fingerprint && !status.stagedFingerprints.includes(fingerprint)) status.stagedFingerprints.push(fingerprint);
    }
    const last = lastLoad.get(table);
    if (last) {
      status.lastLoadedAt = last.toISOString();
      status.lastLoadAgeSeconds = Math.round((Date.now() - last.getTime()) / 1000);
    }
    tables.push(status);
  }

  // Every batch report carries its rejected and unknown counts.
  let rejected = 0;
  // A Map: event names are data, and `constructor` or `__proto__` must count like any other.
  const unknownCounts = new Map<string, number>();
  for await (const o of lake.list('batches/')) {
    const report = await readJson<{ stats: RunStats }>(lake, o.key);
    rejected += report.stats.rejected;
    for (const [tag, n] of Object.entries(report.stats.unknown))
      unknownCounts.set(tag, (unknownCounts.get(tag) ?? 0) + n);
  }
  const unknown: Record<string, number> = Object.fromEntries(unknownCounts);
  return {
    environment: config.env,
    temporalUi,
    outstanding: failed.length + quarantined.length,
    batches: { running, failed },
    quarantined,
    tables,
    rejected,
    unknown,
  };
}
