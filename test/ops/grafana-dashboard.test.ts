/**
 * The Grafana dashboard of the compose stack (ops/grafana/) against a real worker: every metric
 * its PromQL reads, and every label it groups by, is in the `/metrics` output of `loadout worker`
 * once batches (with rejects, duplicates, unknown events, a quarantined object, a failed
 * activity) and a load have run through it. The provisioning points at the stack's Prometheus,
 * which scrapes the worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ingestLocation, listRawObjects } from '../../cli/ingest';
import { openObjectStore } from '../../stores/object/open-object-store';
import { freePort } from '../../workers/ports';
import * as workflows from '../../workflows';
import { parsePrometheusText, type Sample } from '../helpers/prometheus-text';
import { groupingLabels, metricNames } from '../helpers/promql-metrics';
import { uuidFrom, writeObject, writeSessionsObject } from '../helpers/raw-files';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'loadout.js');
const environment = `grafana-${Math.random().toString(36).slice(2, 8)}`;
const taskQueue = uniqueTaskQueue('grafana');
let temporal: TemporalTestContext;
let dir: string;
let worker: ChildProcess;
let metricsPort: number;

interface GrafanaDashboard {
  uid: string;
  panels: { title: string; datasource: { uid: string }; targets: { expr: string; datasource: { uid: string } }[] }[];
  templating: { list: { name: string; datasource: { uid: string }; query: { query: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(join(root, 'ops/grafana/dashboards/loadout-worker.json'), 'utf8'),
) as GrafanaDashboard;

/** Every PromQL expression of the dashboard: panel targets and variable queries. */
const queries = [
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
  ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, expr: v.query.query })),
];

beforeAll(async () => {
  temporal = await connectTemporal();
  dir = mkdtempSync(join(tmpdir(), 'loadout-grafana-'));
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
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
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
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Batches of every outcome and a load through the worker, then its /metrics. */
async function workedMetrics(): Promise<Sample[]> {
  const raw = openObjectStore(join(dir, 'raw'));
  writeSessionsObject(raw.location, 'a/sessions.gz', 12, `${environment}-a`);
  const bad = { event: 'purchase', id: uuidFrom(`${environment}-x`), amount: 'lots' };
  writeObject(raw.location, 'a/mixed.json', `${JSON.stringify(bad)}\n{"event":"mystery_event"}\n`);
  writeObject(raw.location, 'a/corrupt.gz', Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]));
  const ingest = (maxObjects: number) =>
    ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      limits: { maxObjects, maxBytes: 1 << 30 },
      environment,
    });
  expect((await ingest(1)).failures).toEqual([]);
  // The same objects in one larger batch: each is skipped, an earlier batch staged it.
  expect((await ingest(8)).failures).toEqual([]);
  await temporal.client.workflow.execute(workflows.load, {
    workflowId: `${taskQueue}-load`,
    taskQueue,
    args: [{ environment }],
  });
  // An activity that fails: a replay batch for a catalog this worker does not have.
  await expect(
    temporal.client.workflow.execute(workflows.fileBatch, {
      workflowId: `${taskQueue}-stale`,
      taskQueue,
      args: [
        {
          source: raw.location,
          objects: await listRawObjects(raw, 'a/s'),
          environment,
          replay: { catalogVersion: 'stale' },
        },
      ],
    }),
  ).rejects.toThrow();
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(response.status).toBe(200);
  return parsePrometheusText(await response.text()).filter((s) => s.labels.environment === environment);
}

test("every metric the Grafana dashboard queries, and every label it groups by, is in a worker's /metrics", async () => {
  const samples = await workedMetrics();
  const names = new Set(samples.map((s) => s.name));
  const labelsOf = (name: string) =>
    new Set(samples.filter((s) => s.name === name).flatMap((s) => Object.keys(s.labels)));
  expect(queries.length).toBeGreaterThan(10);
  const missing: string[] = [];
  for (const { where, expr } of queries) {
    const metrics = metricNames(expr);
    expect(metrics.length, `${where}: ${expr}`).toBeGreaterThan(0);
    for (const metric of metrics) if (!names.has(metric)) missing.push(`${where}: ${metric}`);
    for (const label of groupingLabels(expr)) {
      if (!metrics.some((m) => labelsOf(m).has(label)))
        missing.push(`${where}: label ${label} of ${metrics.join(', ')}`);
    }
    // Every query follows the dashboard's environment variable, a global tag of the worker's metrics.
    if (!where.startsWith('variable')) expect(expr, where).toContain('environment=~"$environment"');
  }
  expect(missing).toEqual([]);
  // Loadout's own metrics and the SDK's both: the dashboard covers more than one source.
  expect(queries.some((q) => metricNames(q.expr).some((m) => m.startsWith('loadout_')))).toBe(true);
  expect(queries.some((q) => metricNames(q.expr).some((m) => m.startsWith('temporal_')))).toBe(true);
});

test('the extraction reads selectors, functions, aggregations and arithmetic', () => {
  expect(
    metricNames(
      'histogram_quantile(0.95, sum by (le, table) (rate(a_bucket{environment=~"$environment", x="y{z}"}[$__rate_interval]))) / on (table) b_total * 60 or vector(0)',
    ).sort(),
  ).toEqual(['a_bucket', 'b_total']);
  expect(metricNames('label_values(loadout_batches_total, environment)')).toEqual(['loadout_batches_total']);
  expect(groupingLabels('sum by (kind) (x) / on(table, le) y')).toEqual(['kind', 'table', 'le']);
});

test('Grafana is provisioned with the stack Prometheus, which scrapes the worker', () => {
  const datasources = readFileSync(join(root, 'ops/grafana/provisioning/datasources/prometheus.yml'), 'utf8');
  const uid = /uid: (\S+)/.exec(datasources)![1]!;
  expect(datasources).toContain('url: http://prometheus:9090');
  for (const p of dashboard.panels) {
    expect(p.datasource.uid, p.title).toBe(uid);
    for (const t of p.targets) expect(t.datasource.uid, p.title).toBe(uid);
  }
  for (const v of dashboard.templating.list) expect(v.datasource.uid).toBe(uid);
  const providers = readFileSync(join(root, 'ops/grafana/provisioning/dashboards/loadout.yml'), 'utf8');
  expect(providers).toContain('path: /etc/grafana/dashboards');
  const prometheus = readFileSync(join(root, 'ops/prometheus/prometheus.yml'), 'utf8');
  expect(prometheus).toContain('targets: ["worker:9464"]');
  expect(prometheus).toContain('metrics_path: /metrics');
});
