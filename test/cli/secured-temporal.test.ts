/**
 * Loadout through secured Temporal frontends with only Temporal's own environment configuration:
 * nginx terminates TLS in front of the run's dev server, one door requiring a client certificate
 * signed by a test CA, one requiring an API key. `loadout run` goes through each with variables and
 * with a TOML profile; refusals are quick and say why; no secret shows in output or history.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { generateTelemetry, type GenerateResult } from '../../generator/generate-telemetry';
import { freePort } from '../../workers/ports';
import { startGrpcTlsProxy, type GrpcTlsProxy } from '../helpers/grpc-tls-proxy';
import { LOADOUT_BIN, runLoadout, type LoadoutOutcome } from '../helpers/loadout-cli';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import { makeTestCertificates, type TestCertificates } from '../helpers/test-certificates';

let dir: string;
let certs: TestCertificates;
let proxy: GrpcTlsProxy;
let temporal: TemporalTestContext;
let generated: GenerateResult;
const apiKey = `lo-test-${randomUUID()}`;
const suffix = randomUUID().slice(0, 6);
let runs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-secured-'));
  mkdirSync(join(dir, 'certs'));
  mkdirSync(join(dir, 'nginx'));
  certs = makeTestCertificates(join(dir, 'certs'));
  proxy = await startGrpcTlsProxy({ upstream: inject('temporalAddress'), certs, apiKey, dir: join(dir, 'nginx') });
  temporal = await connectTemporal();
  generated = await generateTelemetry({ outDir: join(dir, 'raw'), events: 3_000, files: 3, seed: 17 });
});

afterAll(async () => {
  await proxy?.stop();
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What must never be printed or recorded: the API key and the private keys' material. */
function secrets(): string[] {
  const keyBody = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
  return [apiKey, keyBody(certs.clientKey), keyBody(certs.serverKey), keyBody(certs.strangerKey)];
}

function expectNoSecret(text: string): void {
  for (const secret of secrets()) expect(text).not.toContain(secret);
  // A PEM private key's base64 is split over lines: no line of it either.
  for (const path of [certs.clientKey, certs.strangerKey]) {
    for (const line of readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(text).not.toContain(line);
  }
  expect(text).not.toMatch(/PRIVATE KEY/);
}

/** A fresh home, lake and DuckDB warehouse per run; the only Temporal settings are `temporalEnv`. */
function loadout(
  name: string,
  args: string[],
  temporalEnv: Record<string, string>,
  taskQueue = uniqueTaskQueue(name),
): Promise<LoadoutOutcome> {
  const home = join(dir, `home-${name}`);
  return runLoadout(args, {
    HOME: join(dir, 'user-home'), // no ~/.config/temporalio/temporal.toml of whoever runs the tests
    LOADOUT_HOME: home,
    LOADOUT_WAREHOUSE: `duckdb:${join(home, 'warehouse.duckdb')}`,
    LOADOUT_TASK_QUEUE: taskQueue,
    LOADOUT_LOAD_EVERY: '1h',
    LOADOUT_ENV: `sec-${suffix}-${++runs}`, // each its own workflow ids
    ...temporalEnv,
  });
}

const mtlsVariables = () => ({
  TEMPORAL_ADDRESS: proxy.mtlsAddress,
  TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
  TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
});
const apiKeyVariables = () => ({
  TEMPORAL_ADDRESS: proxy.apiKeyAddress,
  TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  TEMPORAL_API_KEY: apiKey,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
});

/** Runs the pipeline and checks the summary, the output and every history of the run's task queue. */
async function expectPipelineThrough(
  name: string,
  extraArgs: string[],
  temporalEnv: Record<string, string>,
): Promise<void> {
  const taskQueue = uniqueTaskQueue(name);
  const outcome = await loadout(name, ['run', join(dir, 'raw'), '--json', ...extraArgs], temporalEnv, taskQueue);
  expect(outcome.code, outcome.stderr).toBe(0);
  const summary = JSON.parse(outcome.stdout) as { files: number; records: number; tables: Record<string, number> };
  expect(summary.files).toBe(3);
  expect(summary.records).toBe(generated.records);
  expect(summary.tables).toEqual(generated.expected.distinctValid);
  expectNoSecret(outcome.stdout + outcome.stderr);
  let histories = 0;
  for await (const execution of temporal.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    expectNoSecret(
      JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v)),
    );
    histories++;
  }
  // fileBatch per batch, load, loadTableGroup per group of tables: the run went through this door.
  expect(histories).toBeGreaterThanOrEqual(3);
}

test('loadout run through the mutual-TLS door with only TEMPORAL_* variables', async () => {
  await expectPipelineThrough('mtls-vars', [], mtlsVariables());
});

test('loadout run through the API-key door with only TEMPORAL_* variables', async () => {
  await expectPipelineThrough('apikey-vars', [], apiKeyVariables());
});

test('loadout run through a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), inline CA data and server name', async () => {
  const file = join(dir, 'temporal.toml');
  writeFileSync(
    file,
    `
[profile.default]
address = "127.0.0.1:1"

[profile.secured]
address = "${proxy.apiKeyAddress}"
namespace = "${inject('temporalNamespace')}"
api_key = "${apiKey}"
[profile.secured.tls]
server_name = "localhost"
server_ca_cert_data = """
${readFileSync(certs.caCert, 'utf8').trim()}
"""

[profile.mtls]
address = "${proxy.mtlsAddress}"
[profile.mtls.tls]
server_name = "localhost"
client_cert_path = "${certs.clientCert}"
client_key_path = "${certs.clientKey}"
server_ca_cert_path = "${certs.caCert}"
`,
  );
  await expectPipelineThrough('profile', [], { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'secured' });
  // Loadout's flags point at a profile too; `schedules apply` registers search attributes through it.
  const applied = await loadout(
    'profile-flags',
    ['schedules', 'apply', '--json', '--temporal-config-file', file, '--temporal-profile', 'mtls'],
    {},
  );
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stderr).toBe('');
  expect(JSON.parse(applied.stdout)).toMatchObject({ outcome: 'created', searchAttributes: { added: [] } });
  expectNoSecret(applied.stdout + applied.stderr);
});

test('loadout worker through the mutual-TLS door: registers, logs where and how it connected, stops on SIGTERM', async () => {
  const home = join(dir, 'home-worker');
  const child = spawn(process.execPath, [LOADOUT_BIN, 'worker'], {
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|LOADOUT_)/.test(k))),
      HOME: join(dir, 'user-home'),
      LOADOUT_HOME: home,
      LOADOUT_TASK_QUEUE: uniqueTaskQueue('worker'),
      LOADOUT_LOG_FORMAT: 'json',
      LOADOUT_ENV: `sec-${suffix}-worker`,
      LOADOUT_LOAD_EVERY: '1h',
      ...mtlsVariables(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('"worker starting"') && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const started = output.split('\n').find((l) => l.includes('"worker starting"'));
  expect(started, output).toBeDefined();
  expect(JSON.parse(started!)).toMatchObject({
    address: proxy.mtlsAddress,
    namespace: inject('temporalNamespace'),
    auth: 'mtls',
  });
  const stopAt = performance.now();
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  // Nothing in flight: the shutdown grace is for running batches, not an idle worker.
  expect(performance.now() - stopAt).toBeLessThan(10_000);
  expectNoSecret(output);
});

/**
 * grpc-js names the address's IP as the TLS server name when no TEMPORAL_TLS_SERVER_NAME is set, and
 * Node warns about that once (DEP0123); the doors here are on 127.0.0.1. Not Loadout's output.
 */
function withoutIpServerNameWarning(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^\(node:\d+\) \[DEP0123\]|^\(Use `node --trace-deprecation/.test(l))
    .join('\n');
}

/** Refusals: `loadout status` is the quickest command that needs Temporal. */
test.each([
  [
    'no TLS against the mutual-TLS door',
    () => ({ TEMPORAL_ADDRESS: proxy.mtlsAddress }),
    /expects TLS|answers HTTP\/1 to plain text/,
  ],
  [
    'TLS without a client certificate',
    () => ({ TEMPORAL_ADDRESS: proxy.mtlsAddress, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert }),
    /TLS client certificate required/,
  ],
  [
    'a client certificate of another CA',
    () => ({
      TEMPORAL_ADDRESS: proxy.mtlsAddress,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.strangerCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.strangerKey,
    }),
    /TLS client certificate refused/,
  ],
  [
    'a server certificate this machine does not trust',
    () => ({
      TEMPORAL_ADDRESS: proxy.mtlsAddress,
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    }),
    /server certificate unknown.*TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
  ],
  [
    'no API key at the API-key door',
    () => ({ TEMPORAL_ADDRESS: proxy.apiKeyAddress, TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert }),
    /unauthenticated: the server requires credentials/,
  ],
  [
    'a wrong API key',
    () => ({
      TEMPORAL_ADDRESS: proxy.apiKeyAddress,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_API_KEY: `${apiKey}-revoked`,
    }),
    /unauthenticated: the API key was refused/,
  ],
  [
    'TLS against a plain-text frontend',
    () => ({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TLS: 'true' }),
    /does not speak TLS/,
  ],
  [
    'a namespace the server lacks',
    () => ({ ...apiKeyVariables(), TEMPORAL_NAMESPACE: 'no-such-namespace' }),
    /namespace no-such-namespace does not exist/,
  ],
])('refused quickly and clearly: %s', async (name, variables, cause) => {
  const env: Record<string, string> = { TEMPORAL_NAMESPACE: 'default', ...variables() };
  const outcome = await loadout(`refused-${name.replaceAll(/\W+/g, '-')}`, ['status', '--json'], env);
  expect(outcome.code).not.toBe(0);
  expect(outcome.stdout).toBe('');
  const line = withoutIpServerNameWarning(outcome.stderr).trim();
  expect(line.split('\n'), line).toHaveLength(1);
  expect(line).toContain(`Temporal at ${env.TEMPORAL_ADDRESS}`);
  expect(line).toContain(`namespace ${env.TEMPORAL_NAMESPACE}`);
  expect(line).toMatch(cause);
  expectNoSecret(line);
  // Starting node and tsx takes most of it; the connection's part is well under the SDK's 10 s deadline.
  expect(outcome.ms).toBeLessThan(8_000);
});

test('refused quickly and clearly: an address where nothing listens', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const outcome = await loadout('refused-unreachable', ['status', '--json'], { TEMPORAL_ADDRESS: address });
  expect(outcome.code).not.toBe(0);
  expect(outcome.stderr.trim()).toMatch(
    new RegExp(`^loadout: cannot use Temporal at ${address} \\(namespace default\\): unreachable: nothing listens`),
  );
  expect(outcome.ms).toBeLessThan(8_000);
});
