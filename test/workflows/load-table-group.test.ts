/**
 * loadTableGroup on a real dev server and DuckDB: a group's tables are planned in one activity and
 * merged in one, and one table's refusal fails that table alone, not its group mates.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { temporal as proto } from '@temporalio/proto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import * as workflows from '../../workflows';
import type { LoadFailureDetails } from '../../workflows/load-types';
import type { LoadTableGroupResult } from '../../workflows/load-table-group-types';
import { tableGroupOf, tableGroups } from '../../workflows/table-groups';
import { loadTableGroupWorkflowId } from '../../workflows/workflow-ids';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-load-group-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The activity types a workflow scheduled, and the child workflow types it started, with counts. */
async function commandsOf(workflowId: string): Promise<{ activities: string[]; children: string[] }> {
  const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const events: proto.api.history.v1.IHistoryEvent[] = history.events ?? [];
  return {
    activities: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []).sort(),
    children: events.flatMap((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name ?? []),
  };
}

test('a group plans and merges its tables in one activity each; a refused table fails alone', async () => {
  const catalog = await loadCatalog();
  // match_end exists with `result` as a number: declared text, a change the migration refuses.
  const refusedTable = 'match_end';
  const mates = catalog.tables.filter((t) => t !== refusedTable && tableGroupOf(t) === tableGroupOf(refusedTable));
  expect(mates.length).toBeGreaterThan(0);
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const warehousePath = join(dir, 'warehouse.duckdb');
  const before = new DuckDbWarehouse(warehousePath);
  try {
    await before.runDdl([
      'CREATE SCHEMA IF NOT EXISTS loadout',
      'CREATE TABLE loadout.match_end (gsess VARCHAR, psess VARCHAR, "date" TIMESTAMPTZ, result BIGINT)',
    ]);
  } finally {
    await before.close();
  }
  const generated = await generateTelemetry({ outDir: raw.location, events: 2_000, files: 2, seed: 21 });
  for (const table of [refusedTable, ...mates]) expect(generated.expected.distinctValid[table]).toBeGreaterThan(0);
  const taskQueue = uniqueTaskQueue('load-group');
  const activities = createActivities({
    personalKeys: TEST_PERSONAL_KEYS,
    catalog,
    lake,
    warehouseUrl: `duckdb:${warehousePath}`,
  });
  const worker = await testWorker(temporal, taskQueue, activities);
  const failure = await worker.runUntil(async () => {
    const outcome = await ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      limits: { maxObjects: 1, maxBytes: 1 << 30 },
      environment: 'test',
    });
    expect(outcome.failures).toEqual([]);
    return temporal.client.workflow
      .execute(workflows.load, { workflowId: `${taskQueue}-load`, taskQueue, args: [{ environment: taskQueue }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
  });
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('LoadFailed');
  const details = cause.details![0] as LoadFailureDetails;
  expect(details.failed).toEqual([
    { table: refusedTable, reason: expect.stringMatching(/^schema migration refused for match_end/) },
  ]);
  const loaded = details.tables.map((t) => t.table);
  for (const mate of mates) expect(loaded).toContain(mate);

  // One child per group of the tables that had files; each scheduled one planning and one merge activity.
  const load = await commandsOf(`${taskQueue}-load`);
  const groups = tableGroups([...loaded, refusedTable]);
  expect(load.children.filter((c) => c === 'loadTableGroup')).toHaveLength(groups.length);
  expect(load.children).not.toContain('loadTable');
  for (const { group, tables } of groups) {
    const groupId = loadTableGroupWorkflowId(taskQueue, group);
    const commands = await commandsOf(groupId);
    expect(
      commands.activities.filter((a) => a === 'planTableLoads'),
      groupId,
    ).toHaveLength(1);
    expect(
      commands.activities.filter((a) => a === 'mergeTableLoads'),
      groupId,
    ).toHaveLength(1);
    expect(commands.children, groupId).toEqual(['schemaMigration']);
    const status = (await temporal.client.workflow.getHandle(groupId).describe()).status.name;
    expect(status, groupId).toBe(tables.includes(refusedTable) ? 'FAILED' : 'COMPLETED');
  }
  // The refused table's group failed naming it, and its details carry its mates' loads.
  const groupFailure = await temporal.client.workflow
    .getHandle(loadTableGroupWorkflowId(taskQueue, tableGroupOf(refusedTable)))
    .result()
    .catch((e: unknown) => (e as WorkflowFailedError).cause as ApplicationFailure);
  expect((groupFailure as ApplicationFailure).type).toBe('LoadTableGroupFailed');
  const groupResult = (groupFailure as ApplicationFailure).details![0] as LoadTableGroupResult;
  expect(groupResult.results.map((r) => r.table).sort()).toEqual([...mates].sort());

  const w = new DuckDbWarehouse(warehousePath);
  try {
    for (const mate of mates) {
      const [row] = await w.query(`SELECT count(*)::INTEGER AS n FROM loadout."${mate}"`);
      expect({ mate, n: row!.n }).toEqual({ mate, n: generated.expected.distinctValid[mate] });
    }
    expect(await w.describeTable('loadout', refusedTable)).toHaveLength(4);
  } finally {
    await w.close();
  }
});
