/**
 * docker-compose.yml as `docker compose config` reads it: the docker client with the compose
 * plugin that scripts/ensure-tools.mjs builds into .tools/docker (no engine is needed for config).
 * A missing client or plugin fails these tests: `npm test` builds the plugin first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerConfig = fileURLToPath(new URL('../../.tools/docker', import.meta.url));

/** The literal `docker compose ...`, as a user with Docker runs it in the checkout. */
async function dockerCompose(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('PORT_') && !k.startsWith('TEMPORAL_') && k !== 'LOADOUT_ENV',
    ),
  );
  return run('docker', ['compose', ...args], {
    cwd: root,
    env: { ...clean, DOCKER_CONFIG: dockerConfig, ...env },
    maxBuffer: 16 << 20,
  });
}

interface ComposeModel {
  name: string;
  services: Record<
    string,
    {
      image?: string;
      build?: { context: string; dockerfile: string };
      command?: string[];
      entrypoint?: string[];
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
      ports?: { target: number; published: string }[];
      volumes?: { type: string; source?: string; target: string }[];
    }
  >;
  volumes: Record<string, unknown>;
}

async function model(env: Record<string, string> = {}): Promise<ComposeModel> {
  return JSON.parse((await dockerCompose(['config', '--format', 'json'], env)).stdout) as ComposeModel;
}

test('docker compose config --quiet accepts the file', async () => {
  const { stdout, stderr } = await dockerCompose(['config', '--quiet']);
  expect(stdout).toBe('');
  expect(stderr).toBe('');
  expect((await dockerCompose(['version', '--short'])).stdout.trim()).toMatch(/^v?2\.\d+\.\d+/);
});

test('the stack: Temporal with its database and UI, PostgreSQL warehouse, MinIO, a worker with metrics and JSON logs', async () => {
  const m = await model();
  expect(m.name).toBe('loadout');
  expect(Object.keys(m.services).sort()).toEqual([
    'grafana',
    'prometheus',
    's3',
    's3-setup',
    'temporal',
    'temporal-db',
    'temporal-setup',
    'temporal-ui',
    'warehouse',
    'worker',
  ]);
  const s = m.services;
  expect(s.temporal!.image).toMatch(/^temporalio\/auto-setup:/);
  expect(s.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-db' });
  expect(s.temporal!.depends_on).toEqual({ 'temporal-db': expect.objectContaining({ condition: 'service_healthy' }) });
  expect(s['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  expect(s['temporal-ui']!.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
  expect(s.warehouse!.image).toMatch(/^postgres:/);
  expect(s.s3!.image).toMatch(/^minio\/minio:/);
  expect(s['s3-setup']!.command!.join(' ')).toContain('mc mb --ignore-existing local/telemetry');

  const worker = s.worker!;
  // The image of ./Dockerfile (test/ops/dockerfile.test.ts): nothing is installed at start.
  expect(worker.build).toMatchObject({ context: root.replace(/\/$/, ''), dockerfile: 'Dockerfile' });
  expect(worker.command).toEqual(['worker']);
  expect(worker.environment).toMatchObject({
    TEMPORAL_ADDRESS: 'temporal:7233',
    LOADOUT_ENV: 'production',
    LOADOUT_RAW: 's3://telemetry/raw',
    LOADOUT_LAKE: 's3://telemetry/lake',
    LOADOUT_WAREHOUSE: 'postgres://loadout:loadout@warehouse:5432/warehouse',
    AWS_ENDPOINT_URL: 'http://s3:9000',
    LOADOUT_METRICS_PORT: '9464',
    LOADOUT_LOG_FORMAT: 'json',
  });
  // The worker starts once the search attributes and the bucket exist and the warehouse answers.
  expect(worker.depends_on).toMatchObject({
    'temporal-setup': { condition: 'service_completed_successfully' },
    's3-setup': { condition: 'service_completed_successfully' },
    warehouse: { condition: 'service_healthy' },
  });
  expect(worker.volumes!.map((v) => v.target)).toEqual(['/var/lib/loadout']);

  const published = Object.fromEntries(
    Object.entries(s).flatMap(([name, svc]) => (svc.ports ?? []).map((p) => [`${name}:${p.target}`, p.published])),
  );
  expect(published).toEqual({
    'temporal:7233': '7233',
    'temporal-ui:8080': '8233',
    'warehouse:5432': '5432',
    's3:9000': '9000',
    's3:9001': '9001',
    'worker:9464': '9464',
    'prometheus:9090': '9090',
    'grafana:3000': '3000',
  });
});

test('Prometheus scrapes the worker; Grafana is provisioned with it and the dashboard from ops/', async () => {
  const s = (await model()).services;
  const mounts = (name: string) =>
    Object.fromEntries(
      s[name]!.volumes!.map((v) => [v.target, v.type === 'bind' ? relative(root, v.source!) : v.source]),
    );
  expect(s.prometheus!.image).toMatch(/^prom\/prometheus:v\d/);
  expect(mounts('prometheus')).toEqual({
    '/etc/prometheus/prometheus.yml': join('ops', 'prometheus', 'prometheus.yml'),
    '/prometheus': 'prometheus',
  });
  expect(s.prometheus!.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  expect(s.grafana!.image).toMatch(/^grafana\/grafana:\d/);
  expect(s.grafana!.depends_on).toHaveProperty('prometheus');
  expect(mounts('grafana')).toEqual({
    '/etc/grafana/provisioning': join('ops', 'grafana', 'provisioning'),
    '/etc/grafana/dashboards': join('ops', 'grafana', 'dashboards'),
    '/var/lib/grafana': 'grafana',
  });
  const home = s.grafana!.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
  expect(existsSync(join(root, 'ops', 'grafana', 'dashboards', basename(home)))).toBe(true);
  // The worker serves what Prometheus scrapes (ops/prometheus/prometheus.yml: worker:9464).
  expect(s.worker!.environment!.LOADOUT_METRICS_PORT).toBe('9464');
});

test('ports and the environment move with variables', async () => {
  const m = await model({
    PORT_TEMPORAL: '17233',
    PORT_TEMPORAL_UI: '18233',
    PORT_METRICS: '19464',
    PORT_PROMETHEUS: '19090',
    PORT_GRAFANA: '13000',
    LOADOUT_ENV: 'playtest',
  });
  expect(m.services.prometheus!.ports!.map((p) => p.published)).toEqual(['19090']);
  expect(m.services.grafana!.ports!.map((p) => p.published)).toEqual(['13000']);
  expect(m.services.temporal!.ports!.map((p) => p.published)).toEqual(['17233']);
  expect(m.services['temporal-ui']!.ports!.map((p) => p.published)).toEqual(['18233']);
  expect(m.services.worker!.ports!.map((p) => p.published)).toEqual(['19464']);
  expect(m.services.worker!.environment!.LOADOUT_ENV).toBe('playtest');
});

test("the setup registers every one of Loadout's search attributes with its type", async () => {
  const setup = (await model()).services['temporal-setup']!;
  expect(setup.image).toMatch(/^temporalio\/admin-tools:/);
  expect(setup.depends_on).toHaveProperty('temporal');
  expect(setup.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default' });
  expect(setup.entrypoint).toEqual(['sh', '-c']);
  // config prints a compose file, so `$` stays escaped as `$$`; the container's shell gets `$`.
  const script = setup.command!.join(' ').replaceAll('$$', '$');
  await run('sh', ['-n', '-c', script]);
  expect(script).toContain('temporal operator search-attribute create --name "$name" --type "$type"');
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', INT: 'Int' };
  const declared = /for attribute in ([^;]+);/.exec(script)![1]!.trim().split(/\s+/).sort();
  expect(declared).toEqual(SEARCH_ATTRIBUTES.map((k) => `${k.name}=${cliType[k.type]}`).sort());
});

test("the worker reaches another Temporal with Temporal's own variables from the shell, and only those set", async () => {
  const local = (await model()).services.worker!.environment!;
  expect(local).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default' });
  // Unset in the shell: null in the model, so absent in the container (an empty TEMPORAL_API_KEY would turn TLS on).
  expect(local.TEMPORAL_API_KEY).toBeNull();
  const cloud = (
    await model({
      TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      TEMPORAL_API_KEY: 'k',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/app/certs/client.pem',
    })
  ).services.worker!.environment!;
  expect(cloud).toMatchObject({
    TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'acme.a1b2c',
    TEMPORAL_API_KEY: 'k',
    TEMPORAL_TLS_CLIENT_CERT_PATH: '/app/certs/client.pem',
  });
  expect(cloud.TEMPORAL_TLS_SERVER_NAME).toBeNull();
});
