/**
 * What the dashboard's JSON API serves: the KPIs from the functions `loadout report` runs, and the
 * pipeline's state from those of `loadout status` and `loadout schema drift`, with the rejects.
 * Only names, counts, times and reasons: no record text, no drift example (both may hold personal values).
 */
import type { Client } from '@temporalio/client';
import type { LoadoutConfig } from '../config/config-schema';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { openWarehouse } from '../stores/warehouse/open-warehouse';
import type { Warehouse } from '../stores/warehouse/warehouse';
import { redactSecrets } from '../workers/redact-secrets';
import { readDriftReport } from '../cli/drift';
import { KPI_NAMES, readKpiReport, type KpiName } from '../cli/kpi-reports';
import { collectStatus } from '../cli/status';
import { RejectReasonReader, type RejectSummary } from './reject-reasons';

export interface DashboardSources {
  config: LoadoutConfig;
  catalog: Catalog;
  client: Client;
  lake: ObjectStore;
  /** The Temporal UI's base address, for links to failed and quarantining workflows. */
  temporalUi?: string;
}

/** A report's rows, or why there are none yet (no view before the first load). */
export type KpiPanel = { rows: Record<string, unknown>[] } | { error: string };

export interface KpiSnapshot {
  generatedAt: string;
  kpis: Record<KpiName, KpiPanel>;
}

export interface PipelineSnapshot {
  generatedAt: string;
  environment: string;
  temporalUi?: string;
  running: number;
  failed: {
    workflowId: string;
    reason: string;
    objects: string[];
    objectCount: number;
    closedAt?: string;
    temporalUi?: string;
  }[];
  quarantined: { key: string; kind: string; reason: string; at: string; workflowId?: string; temporalUi?: string }[];
  freshness: { table: string; lastLoadedAt?: string; lastLoadAgeSeconds?: number; stagedFiles: number }[];
  drift: {
    newAttributes: { event: string; attribute: string; records: number; firstSeen: string; lastSeen: string }[];
    unknownEvents: { event: string; records: number; firstSeen: string; lastSeen: string }[];
  };
  rejects: RejectSummary;
}

/** Objects listed per failed batch: the workflow's input in the Temporal UI has them all. */
const OBJECTS_SHOWN = 10;

export class DashboardData {
  private readonly rejects: RejectReasonReader;

  constructor(private readonly sources: DashboardSources) {
    this.rejects = new RejectReasonReader(sources.lake);
  }

  /** `since`: the reports' `--since`, a UTC date or date-time. */
  async kpis(since?: string): Promise<KpiSnapshot> {
    const { config } = this.sources;
    return withWarehouse(config.warehouse, async (warehouse) => {
      const kpis = {} as Record<KpiName, KpiPanel>;
      for (const kpi of KPI_NAMES) {
        kpis[kpi] = await readKpiReport(warehouse, config.warehouseSchema, kpi, since).then(
          (rows) => ({ rows }),
          (error: Error) => ({ error: redactSecrets(error.message.split('\n')[0]!) }),
        );
      }
      return { generatedAt: new Date().toISOString(), kpis };
    });
  }

  async pipeline(): Promise<PipelineSnapshot> {
    const { config, catalog, client, lake, temporalUi } = this.sources;
    const status = await withWarehouse(config.warehouse, (warehouse) =>
      collectStatus(config, catalog, client, lake, warehouse, temporalUi),
    );
    const drift = await readDriftReport(lake, catalog);
    return {
      generatedAt: new Date().toISOString(),
      environment: status.environment,
      temporalUi: status.temporalUi,
      running: status.batches.running,
      failed: status.batches.failed.map((f) => ({
        workflowId: f.workflowId,
        reason: f.reason,
        objects: f.objects.slice(0, OBJECTS_SHOWN),
        objectCount: f.objects.length,
        closedAt: f.closedAt,
        temporalUi: f.temporalUi,
      })),
      quarantined: status.quarantined.map((q) => ({
        key: q.key,
        kind: q.kind,
        reason: q.reason,
        at: q.at,
        workflowId: q.workflowId,
        temporalUi: q.temporalUi,
      })),
      freshness: status.tables.map((t) => ({
        table: t.table,
        lastLoadedAt: t.lastLoadedAt,
        lastLoadAgeSeconds: t.lastLoadAgeSeconds,
        stagedFiles: t.stagedFiles,
      })),
      drift: {
        newAttributes: drift.newAttributes.map(({ event, attribute, records, firstSeen, lastSeen }) => ({
          event,
          attribute,
          records,
          firstSeen,
          lastSeen,
        })),
        unknownEvents: drift.unknownEvents.map(({ event, records, firstSeen, lastSeen }) => ({
          event,
          records,
          firstSeen,
          lastSeen,
        })),
      },
      rejects: await this.rejects.summary(),
    };
  }
}

/** Opened per request and closed after it: a DuckDB file then stays free for the loads between polls. */
async function withWarehouse<T>(url: string, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await openWarehouse(url);
  try {
    return await work(warehouse);
  } finally {
    await warehouse.close();
  }
}
