/**
 * 300 declared event types on a real dev server and DuckDB: every table loads exactly, each table's
 * small staged files in one manifest, and the load's history stays bounded (continue-as-new).
 */
import type { temporal as proto } from '@temporalio/proto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { syntheticEventType } from '../../generator/synthetic/synthetic-catalog';
import { writeSyntheticCorpus } from '../../generator/synthetic/synthetic-corpus';
import { syntheticTypes } from '../../generator/synthetic/synthetic-types';
import { Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import * as workflows from '../../workflows';
import { TABLE_GROUPS } from '../../workflows/table-groups';
import { loadTableGroupWorkflowId } from '../../workflows/workflow-ids';
import type { LoadResult } from '../../workflows/load-types';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-many-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each run's event count, following the chain of continue-as-new from the first run. */
async function historySizes(workflowId: string, firstRunId: string): Promise<number[]> {
  const sizes: number[] = [];
  for (let runId: string | undefined = firstRunId; runId !== undefined;) {
    const history = await temporal.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: proto.api.history.v1.IHistoryEvent[] = history.events ?? [];
    sizes.push(events.length);
    const last = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return sizes;
}

// Minutes on the shared two-core host: 300 tables created and merged, in eight groups a run.
test(
  'a 300-type corpus loads exactly, one manifest a table, in runs of bounded history',
  { timeout: 20 * 60_000 },
  async () => {
    const types = syntheticTypes(300, 7, 1.0);
    const catalog = new Catalog(types.map(syntheticEventType));
    const raw = openObjectStore(join(dir, 'raw'));
    const lake = openObjectStore(join(dir, 'lake'));
    const warehouseUrl = `duckdb:${join(dir, 'warehouse.duckdb')}`;
    const corpus = await writeSyntheticCorpus({
      to: raw.location,
      types,
      seed: 7,
      duplicateShare: 0.2,
      gzip: true,
      events: 40_000,
      files: 4,
      start: new Date('2026-11-22T10:00:00Z'),
      hours: 2,
    });
    expect(Object.keys(corpus.expected)).toHaveLength(300);
    const taskQueue = uniqueTaskQueue('many');
    const activities = createActivities({ personalKeys: TEST_PERSONAL_KEYS, catalog, lake, warehouseUrl });
    const worker = await testWorker(temporal, taskQueue, activities);
    const { result, sizes } = await worker.runUntil(async () => {
      // Two objects a batch: every table gets two small staged files, to be loaded by one COPY.
      const outcome = await ingestLocation({
        client: temporal.client,
        taskQueue,
        source: raw,
        limits: { maxObjects: 2, maxBytes: 1 << 30 },
        environment: 'test',
      });
      expect(outcome.failures).toEqual([]);
      const handle = await temporal.client.workflow.start(workflows.load, {
        workflowId: `${taskQueue}-load`,
        taskQueue,
        // 100 tables a run (the default is 1,000): the chain of continue-as-new is exercised.
        args: [{ environment: taskQueue, maxParallel: 8, tablesPerRun: 100 }],
      });
      const result = (await handle.result()) as LoadResult;
      return { result, sizes: await historySizes(handle.workflowId, handle.firstExecutionRunId) };
    });
    expect(result.tables.map((t) => t.table)).toEqual(Object.keys(corpus.expected).sort());
    for (const t of result.tables) {
      expect(t.manifests.map((m) => m.files)).toEqual([2]);
      expect(t.manifests[0]!.mergedRows).toBe(corpus.expected[t.table]);
    }
    // Three runs of 100 tables, each a few events per group, whatever the number of tables.
    expect(sizes).toHaveLength(3);
    for (const size of sizes) expect(size).toBeLessThan(TABLE_GROUPS * 10 + 50);
    // A group's history does not grow with its tables: one planning, one migration child, one merge.
    for (let group = 0; group < TABLE_GROUPS; group++) {
      const history = await temporal.client.workflow
        .getHandle(loadTableGroupWorkflowId(taskQueue, group))
        .fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(60);
    }
    const w = new DuckDbWarehouse(warehouseUrl.slice('duckdb:'.length));
    try {
      for (const [table, rows] of Object.entries(corpus.expected)) {
        const [row] = await w.query(
          `SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids FROM loadout."${table}"`,
        );
        expect({ table, ...row }).toEqual({ table, n: rows, ids: rows });
      }
    } finally {
      await w.close();
    }
  },
);
