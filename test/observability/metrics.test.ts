/**
 * `loadout worker --metrics-port N --log-format json` as a child process on the real dev server and
 * DuckDB: file batches and a load run through it; /metrics is scraped over HTTP and its counters
 * are compared with the workflows' results; the JSON log lines carry workflow and object ids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { batchIdOf } from '../../core/batch-id';
import { fileBatchWorkflowId } from '../../workflows/workflow-ids';
import { ingestLocation, listRawObjects } from '../../cli/ingest';
import { freePort } from '../../workers/ports';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { FileBatchResult } from '../../workflows/file-batch-types';
import type { LoadResult } from '../../workflows/load-types';
import { loadTableGroupWorkflowId } from '../../workflows/workflow-ids';
import { tableGroupOf } from '../../workflows/table-groups';
import { parsePrometheusText, sumOf, type Sample } from '../helpers/prometheus-text';
import { uuidFrom, writeObject, writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import * as workflows from '../../workflows';

const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
const environment = `metrics-${Math.random().toString(36).slice(2, 8)}`;
const taskQueue = uniqueTaskQueue('metrics');
let temporal: TemporalTestContext;
let dir: string;
let worker: ChildProcess;
let stderr = '';
let metricsPort: number;

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-metrics-'));
  metricsPort = await freePort();
  worker = spawn(process.execPath, [bin, 'worker', '--metrics-port', String(metricsPort), '--log-format', 'json'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      LOADOUT_TASK_QUEUE: taskQueue,
      LOADOUT_ENV: environment,
      LOADOUT_LOAD_EVERY: '1h',
      LOADOUT_HOME: join(dir, 'home'),
      LOADOUT_LAKE: join(dir, 'lake'),
      LOADOUT_WAREHOUSE: `duckdb:${join(dir, 'warehouse.duckdb')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The worker's first line, or its exit with what it said: a worker that cannot start fails here.
  await new Promise<void>((resolve, reject) => {
    worker.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('"message":"worker starting"')) resolve();
    });
    worker.once('exit', (code) => reject(new Error(`loadout worker exited with ${code}: ${stderr.slice(-2000)}`)));
  });
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('counters equal the batch and load results; load duration and freshness observed; JSON logs carry workflow and object ids', async () => {
  const raw = openObjectStore(join(dir, 'raw'));
  const hour = 3600_000;
  const created = new Map<string, number>();
  const written = [
    writeSessionsObject(raw.location, '2026/11/22/10/a.gz', 25, 'metrics-a'),
    writeSessionsObject(raw.location, '2026/11/22/11/b.gz', 10, 'metrics-b'),
  ].map((w) => w.key);
  writeObject(
    raw.location,
    '2026/11/22/12/c.json',
    [
      JSON.stringify({
        event: 'session_begin',
        id: uuidFrom('c-1'),
        date: '2026-11-22T12:00:00Z',
        psess: uuidFrom('c-p'),
        player_id: 'p',
        platform: 'pc',
        app_version: '1.4.2',
      }),
      JSON.stringify({
        event: 'purchase',
        id: uuidFrom('c-2'),
        date: '2026-11-22T12:00:00Z',
        psess: uuidFrom('c-p'),
        player_id: 'p',
        sku: 'x',
        amount: 'lots',
        currency: 'EUR',
      }),
      JSON.stringify({ event: 'mystery_event', id: uuidFrom('c-3') }),
    ].join('\n'),
  );
  written.push('2026/11/22/12/c.json');
  // Objects "created" two, three and four hours ago: freshness must count from there.
  written.forEach((key, i) => {
    const time = Date.now() - (2 + i) * hour;
    utimesSync(join(raw.location, key), time / 1000, time / 1000);
    created.set(key, time);
  });

  // A corrupt object is quarantined: its batch completes, reads no object, and counts it by kind.
  writeObject(
    raw.location,
    '2026/11/22/13/corrupt.gz',
    Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]),
  );
  const ingest = await ingestLocation({
    client: temporal.client,
    taskQueue,
    source: raw,
    limits: { maxObjects: 1, maxBytes: 1 << 30 },
    environment,
  });
  expect(ingest.failures).toEqual([]);
  const batches = ingest.batches;
  expect(batches).toHaveLength(4);
  expect(batches.flatMap((b) => b.quarantined.map((q) => q.key))).toEqual(['2026/11/22/13/corrupt.gz']);
  // One object per batch: which key each batch read, derived as the pipeline derives batch ids.
  const keyOf = new Map((await listRawObjects(raw)).map((o) => [batchIdOf(raw.location, [o]), o.key]));
  const ingestedKeys = (b: FileBatchResult) => [keyOf.get(b.batchId)!];
  const loadStarted = Date.now();
  const load = (await temporal.client.workflow.execute(workflows.load, {
    workflowId: `${taskQueue}-load`,
    taskQueue,
    args: [{ environment }],
  })) as LoadResult;
  const loadEnded = Date.now();
  // The batches' rejects and unknown events ride the load as tables of their own (docs/lineage.md).
  expect(load.tables.map((t) => t.table).sort()).toEqual([
    'loadout_rejects',
    'loadout_unknown',
    'personal_data',
    'purchase',
    'session_begin',
  ]);

  const samples = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
  // The tags the SDK puts on an activity's metrics, and the environment (a global tag).
  const ours = { taskQueue, activityType: 'processFileBatch', environment };
  const merges = { taskQueue, activityType: 'mergeTableLoads', environment };
  const total = (f: (b: FileBatchResult) => number) => batches.reduce((a, b) => a + f(b), 0);
  expect(sumOf(samples, 'loadout_batches_total', ours)).toBe(4);
  expect(sumOf(samples, 'loadout_objects_quarantined_total', { ...ours, kind: 'corrupt-compression' })).toBe(1);
  expect(sumOf(samples, 'loadout_objects_processed_total', ours)).toBe(total((b) => b.objects));
  expect(sumOf(samples, 'loadout_events_processed_total', ours)).toBe(total((b) => b.records));
  expect(sumOf(samples, 'loadout_events_rejected_total', ours)).toBe(total((b) => b.rejected));
  expect(sumOf(samples, 'loadout_events_duplicates_total', ours)).toBe(total((b) => b.duplicates));
  expect(sumOf(samples, 'loadout_events_unknown_total', ours)).toBe(
    total((b) => Object.values(b.unknown).reduce((x, y) => x + y, 0)),
  );
  expect(total((b) => b.rejected)).toBeGreaterThan(0);
  expect(total((b) => b.duplicates)).toBeGreaterThan(0);

  for (const table of ['purchase', 'session_begin']) {
    const staged = batches.flatMap((b) => b.staged.filter((s) => s.table === table));
    expect(sumOf(samples, 'loadout_staged_rows_total', { ...ours, table })).toBe(
      staged.reduce((a, s) => a + s.rows, 0),
    );
    expect(sumOf(samples, 'loadout_staged_bytes_total', { ...ours, table })).toBe(
      staged.reduce((a, s) => a + s.bytes, 0),
    );
    const where = { ...merges, table };

    const manifests = load.tables.find((t) => t.table === table)!.manifests.filter((m) => m.applied);
    expect(manifests.length).toBeGreaterThan(0);
    expect(sumOf(samples, 'loadout_loaded_rows_total', where)).toBe(manifests.reduce((a, m) => a + m.mergedRows, 0));
    expect(sumOf(samples, 'loadout_load_duration_seconds_count', where)).toBe(manifests.length);
    expect(sumOf(samples, 'loadout_load_duration_seconds_sum', where)).toBeCloseTo(
      manifests.reduce((a, m) => a + m.seconds, 0),
      6,
    );

    // One observation per batch whose rows the load committed, from that batch's object time.
    const stagedBy = batches.filter((b) => b.staged.some((s) => s.table === table));
    const objectTimes = stagedBy.map((b) => created.get(keyOf.get(b.batchId)!)!);
    expect(sumOf(samples, 'loadout_freshness_seconds_count', where)).toBe(stagedBy.length);
    const freshness = sumOf(samples, 'loadout_freshness_seconds_sum', where)!;
    expect(freshness).toBeGreaterThanOrEqual(objectTimes.reduce((a, t) => a + (loadStarted - t) / 1000, 0) - 1);
    expect(freshness).toBeLessThanOrEqual(objectTimes.reduce((a, t) => a + (loadEnded - t) / 1000, 0) + 1);
  }
  // The same endpoint carries the SDK's own worker metrics, with the environment as a global tag.
  expect(samples.some((s) => s.name.startsWith('temporal_') && s.labels.environment === environment)).toBe(true);

  // Logs: stderr holds nothing but JSON lines; each batch and each merge has its line with its ids.
  const lines = stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const batch of batches) {
    const line = lines.find((l) => l.message === 'file batch staged' && l.batchId === batch.batchId);
    expect(line).toMatchObject({
      level: 'INFO',
      workflowId: fileBatchWorkflowId(batch.batchId, environment),
      workflowType: 'fileBatch',
      activityType: 'processFileBatch',
      objectKeys: ingestedKeys(batch),
      records: batch.records,
    });
  }
  const corruptBatch = [...keyOf].find(([, key]) => key.endsWith('corrupt.gz'))![0];
  expect(lines.find((l) => l.message === 'object quarantined')).toMatchObject({
    level: 'WARN',
    workflowId: fileBatchWorkflowId(corruptBatch, environment),
    batchId: corruptBatch,
    objectKey: '2026/11/22/13/corrupt.gz',
    kind: 'corrupt-compression',
    reason: expect.stringContaining('corrupt.gz'),
  });
  expect(lines.find((l) => l.message === 'Activity failed')).toBeUndefined();
  for (const table of load.tables) {
    for (const manifest of table.manifests) {
      expect(
        lines.find((l) => l.message === 'manifest merged' && l.manifestKey === manifest.manifestKey),
      ).toMatchObject({
        workflowId: loadTableGroupWorkflowId(environment, tableGroupOf(table.table)),
        table: table.table,
        mergedRows: manifest.mergedRows,
      });
    }
  }
  expect(lines.find((l) => l.message === 'worker starting')).toMatchObject({
    taskQueue,
    environment,
    metrics: `http://127.0.0.1:${metricsPort}/metrics`,
  });
});

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text());
}
