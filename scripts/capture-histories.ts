/**
 * Captures a history of every workflow, and of the branches behind `patched()`, from real runs on
 * a throwaway Temporal dev server, exported with the stock CLI (`temporal workflow show --output
 * json`) into test/fixtures/histories/. test/workflows/history-replay.test.ts replays each on today's
 * code, so a change that would break a run in flight fails the suite.
 *
 *   npx tsx scripts/capture-histories.ts [--only name,name]
 *
 * Recapture a history only when no run of the code that made it can still be in flight: the
 * histories of older code are what proves a `patched()` change safe. Names already there are
 * overwritten only when listed in --only.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createActivities } from '../activities';
import { listRawObjects } from '../cli/ingest';
import { batchIdOf } from '../core/batch-id';
import {
  erasureWorkflowId,
  fileBatchWorkflowId,
  groupMigrationWorkflowId,
  loadTableGroupWorkflowId,
} from '../workflows/workflow-ids';
import { tableGroupOf } from '../workflows/table-groups';
import { loadCatalog } from '../schemas/catalog';
import { openObjectStore } from '../stores/object/open-object-store';
import { openWarehouse } from '../stores/warehouse/open-warehouse';
import { temporalBinary } from '../workers/temporal-binary';
import { buildWorkflowBundle } from '../workers/workflow-bundle';
import type { DiscoverByListingInput } from '../workflows/discover-by-listing';
import { discoverByListing, erasure, fileBatch, load, replay, schemaMigration } from '../workflows';
import type { ReplayInput } from '../workflows/replay-types';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { randomPersonalKeys } from '../core/personal/random-keys';
import { pseudonymOf } from '../core/personal/pseudonym';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',');
const out = resolve(import.meta.dirname, '../test/fixtures/histories');

const TASK_QUEUE = 'loadout';
const ENV = 'capture';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loadout-capture-'));
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary() },
      searchAttributes: SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
    },
  });
  try {
    const raw = openObjectStore(join(dir, 'raw'));
    const lake = openObjectStore(join(dir, 'lake'));
    writeRaw(raw.location);
    const catalog = await loadCatalog();
    const bundleCode = await buildWorkflowBundle();
    const personalKeys = randomPersonalKeys();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: { code: bundleCode },
      activities: createActivities({
        personalKeys,
        catalog,
        lake,
        warehouseUrl: `duckdb:${join(dir, 'warehouse.duckdb')}`,
      }),
    });
    // A second pipeline whose warehouse already has purchase with sku as a number: its migration is refused.
    const failingLake = openObjectStore(join(dir, 'failing-lake'));
    const failingWarehouse = `duckdb:${join(dir, 'failing.duckdb')}`;
    const w = await openWarehouse(failingWarehouse);
    await w.runDdl([
      'CREATE SCHEMA IF NOT EXISTS loadout',
      'CREATE TABLE loadout.purchase (id VARCHAR, "date" TIMESTAMPTZ, psess VARCHAR, player_id VARCHAR, sku BIGINT, amount DOUBLE, currency VARCHAR)',
    ]);
    await w.close();
    const failingWorker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: `${TASK_QUEUE}-failing`,
      workflowBundle: { code: bundleCode },
      activities: createActivities({
        personalKeys: randomPersonalKeys(),
        catalog,
        lake: failingLake,
        warehouseUrl: failingWarehouse,
      }),
    });
    const client = env.client;
    const captured = new Map<string, string>();
    await failingWorker.runUntil(
      worker.runUntil(async () => {
        const objects = await listRawObjects(raw);
        const good = objects.filter((o) => !o.key.includes('broken'));
        // A batch with a quarantined object (the LoadoutQuarantined branch).
        const batchId = fileBatchWorkflowId(batchIdOf(raw.location, objects), ENV);
        await client.workflow.execute(fileBatch, {
          workflowId: batchId,
          taskQueue: TASK_QUEUE,
          args: [{ source: raw.location, objects, environment: ENV }],
        });
        captured.set('file-batch-quarantine', batchId);
        // The first load of an empty warehouse: loadTable runs its schemaMigration child. Two tables a
        // run, so its three tables take two runs (load-continue-as-new: the first run, by its run id).
        const firstLoad = await client.workflow.start(load, {
          workflowId: `${ENV}-load`,
          taskQueue: TASK_QUEUE,
          args: [{ environment: ENV, tablesPerRun: 2 }],
        });
        await firstLoad.result();
        captured.set('load-continue-as-new', `${ENV}-load@${firstLoad.firstExecutionRunId}`);
        captured.set('load-first', `${ENV}-load`);
        captured.set('load-sliding-window', `${ENV}-load`);
        // Its stageKeptUnknown activity (a no-op under strict) behind the loadout-infer-kept-unknown patch.
        captured.set('load-infer-kept-unknown', `${ENV}-load`);
        // Its groups of tables (load-table-groups), and purchase's group with its schemaMigration child.
        captured.set('load-table-groups', `${ENV}-load`);
        captured.set('load-table-group', loadTableGroupWorkflowId(ENV, tableGroupOf('purchase')));
        // The group's schemaMigration child, its tables' changes applied in one activity.
        captured.set('schema-migration-one-session', groupMigrationWorkflowId(ENV, tableGroupOf('purchase')));
        // loadTable and its child, from loads started before load-table-groups: kept files, not recaptured.
        captured.set('load-table-migrates', `loadout-load-${ENV}-purchase`);
        captured.set('load-table-loads-row', `loadout-load-${ENV}-purchase`);
        captured.set('schema-migration-child', `loadout-migrate-${ENV}-purchase`);
        // schemaMigration as `loadout migrate --apply` starts it: nothing left to do.
        await client.workflow.execute(schemaMigration, {
          workflowId: `${ENV}-migrate`,
          taskQueue: TASK_QUEUE,
          args: [{ environment: ENV, apply: true }],
        });
        captured.set('schema-migration', `${ENV}-migrate`);
        // A replay of the window, with its child batches and load.
        const replayInput: ReplayInput = {
          environment: ENV,
          source: raw.location,
          from: '2026-11-22T10:00:00Z',
          to: '2026-11-22T12:00:00Z',
          batchObjects: 1,
        };
        // Captured under its file's name: the replay test replays a history under that id, and replay's children derive theirs from it.
        await client.workflow.execute(replay, { workflowId: 'replay', taskQueue: TASK_QUEUE, args: [replayInput] });
        captured.set('replay', 'replay');
        // One listing pass, which starts (and abandons) a batch of what is not yet processed.
        const discoverInput: DiscoverByListingInput = {
          source: raw.location,
          environment: `${ENV}-listing`,
          reconcileEvery: 0,
          listEvery: '1s',
          batchObjects: 16,
          batchBytes: 1 << 28,
          once: true,
        };
        await client.workflow.execute(discoverByListing, {
          workflowId: `${ENV}-discover`,
          taskQueue: TASK_QUEUE,
          args: [discoverInput],
        });
        captured.set('discover-by-listing', `${ENV}-discover`);
        // A load of which one table fails (the load-failure-summary branch).
        const failingQueue = `${TASK_QUEUE}-failing`;
        await client.workflow.execute(fileBatch, {
          workflowId: `${ENV}-failing-batch`,
          taskQueue: failingQueue,
          args: [{ source: raw.location, objects: good, environment: `${ENV}-failing` }],
        });
        await client.workflow
          .execute(load, {
            workflowId: `${ENV}-failing-load`,
            taskQueue: failingQueue,
            args: [{ environment: `${ENV}-failing` }],
          })
          .catch(() => undefined);
        captured.set('load-one-table-failed', `${ENV}-failing-load`);
        captured.set('load-table-refused', `loadout-load-${ENV}-failing-purchase`);
        captured.set('load-table-group-refused', loadTableGroupWorkflowId(`${ENV}-failing`, tableGroupOf('purchase')));
        // Last, as it rewrites the raw zone: one player's erasure, raw objects included.
        const pseudonym = pseudonymOf(personalKeys.pseudonymKey, 'p10');
        await client.workflow.execute(erasure, {
          workflowId: erasureWorkflowId(ENV, pseudonym),
          taskQueue: TASK_QUEUE,
          args: [{ environment: ENV, pseudonym, rawSource: raw.location }],
        });
        captured.set('erasure', erasureWorkflowId(ENV, pseudonym));
        // `loadout migrate --rebuild purchase --apply` there: its retyped columns rebuilt (the schema-migration-rebuild patch).
        await client.workflow.execute(schemaMigration, {
          workflowId: `${ENV}-migrate-rebuild`,
          taskQueue: failingQueue,
          args: [{ environment: `${ENV}-failing`, tables: ['purchase'], apply: true, rebuild: ['purchase'] }],
        });
        captured.set('schema-migration-rebuild', `${ENV}-migrate-rebuild`);
        if (good.length === 0) throw new Error('no good raw objects written');
      }),
    );
    mkdirSync(out, { recursive: true });
    for (const [name, workflowId] of captured) {
      const path = join(out, `${name}.json`);
      if (existsSync(path) && !only?.includes(name)) {
        console.log(`kept ${path} (name it in --only to recapture)`);
        continue;
      }
      if (only !== undefined && !only.includes(name)) continue;
      // `id@run`: a run other than the latest (the first of a chain of continue-as-new).
      const [id, runId] = workflowId.split('@');
      const json = execFileSync(temporalBinary(), [
        'workflow',
        'show',
        '--output',
        'json',
        '--workflow-id',
        id!,
        ...(runId ? ['--run-id', runId] : []),
        '--address',
        env.address,
        '--namespace',
        env.namespace ?? 'default',
      ]);
      writeFileSync(path, json);
      console.log(`wrote ${path} (${workflowId})`);
    }
  } finally {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Two readable objects in two hours and one corrupt gzip: small, fixed, so captures are alike. */
function writeRaw(root: string): void {
  const line = (event: object) => JSON.stringify(event);
  const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const records = (hour: number) =>
    [
      line({
        event: 'session_begin',
        id: uuid(hour * 10 + 1),
        date: `2026-11-22T${hour}:00:00Z`,
        psess: uuid(900 + hour),
        player_id: `p${hour}`,
        platform: 'pc',
        app_version: '1.0',
      }),
      line({
        event: 'purchase',
        id: uuid(hour * 10 + 2),
        date: `2026-11-22T${hour}:05:00Z`,
        psess: uuid(900 + hour),
        player_id: `p${hour}`,
        sku: 'gold',
        amount: 4.99,
        currency: 'EUR',
      }),
    ].join('\n');
  for (const hour of [10, 11]) {
    mkdirSync(join(root, `2026/11/22/${hour}`), { recursive: true });
    writeFileSync(join(root, `2026/11/22/${hour}/events.gz`), gzipSync(`${records(hour)}\n`));
  }
  writeFileSync(join(root, '2026/11/22/11/broken.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
}

await main();
