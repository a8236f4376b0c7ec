/**
 * The continuous benchmark (issue 13): `loadout dev` on moto S3 + SQS with LOADOUT_LOAD_EVERY=1m,
 * fed N synthetic event types at a steady rate; records freshness per table (object created ->
 * merge committed, from the worker's `manifest merged` log lines, observability/freshness.ts) with
 * p50/p95, and the CPU share of the worker process and of the Temporal server (/proc/PID/stat).
 *
 *   npx tsx scripts/bench-continuous.ts [--types 300] [--rate 8000] [--minutes 10] [--drain-minutes 3]
 *     [--evolution infer] [--declared] [--object-every 10s] [--out DIR]
 *
 * --declared writes the types as a catalog and runs with LOADOUT_SCHEMAS (for branches without
 * `evolution`); LOADOUT_EVOLUTION is passed through either way. Writes DIR/bench-continuous.json and .md,
 * and the worker's log to DIR/dev.log.
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { durationMs } from '../config/config-schema';
import { openWarehouse } from '../stores/warehouse/open-warehouse';
import { qualified } from '../stores/warehouse/sql/identifiers';
import { writeSyntheticCatalog } from '../generator/synthetic/synthetic-catalog';
import { streamSyntheticCorpus } from '../generator/synthetic/synthetic-corpus';
import { syntheticTypes } from '../generator/synthetic/synthetic-types';
import {
  motoEnv,
  motoS3Client,
  motoSqsClient,
  notifyObjectCreated,
  queueArn,
  startMoto,
} from '../test/helpers/moto-server';
import { cpuSeconds, machineCpuSeconds, percentile } from './bench-process-stats';

const { values } = parseArgs({
  options: {
    types: { type: 'string', default: '300' },
    rate: { type: 'string', default: '8000' },
    minutes: { type: 'string', default: '10' },
    'drain-minutes': { type: 'string', default: '3' },
    evolution: { type: 'string', default: 'infer' },
    declared: { type: 'boolean', default: false },
    'object-every': { type: 'string', default: '10s' },
    'load-every': { type: 'string', default: '1m' },
    out: { type: 'string' },
    seed: { type: 'string', default: '13' },
  },
});
const root = resolve(import.meta.dirname, '..');
const work = values.out ? resolve(values.out) : join(tmpdir(), `bench-continuous-${Date.now()}`);
mkdirSync(work, { recursive: true });
const types = syntheticTypes(Number(values.types), Number(values.seed));
const rate = Number(values.rate);
const minutes = Number(values.minutes);

const moto = await startMoto();
// This process writes the objects too (the generator runs here): the SDK's chain finds moto.
Object.assign(process.env, motoEnv(moto.endpoint));
const s3 = motoS3Client(moto.endpoint);
const sqs = motoSqsClient(moto.endpoint);
await s3.send(new CreateBucketCommand({ Bucket: 'telemetry' }));
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'raw-objects' }));
await notifyObjectCreated(s3, 'telemetry', await queueArn(sqs, QueueUrl!), 'raw/');
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  ...motoEnv(moto.endpoint),
  LOADOUT_HOME: join(work, 'home'),
  LOADOUT_RAW: 's3://telemetry/raw',
  LOADOUT_LOAD_EVERY: values['load-every']!,
  LOADOUT_EVOLUTION: values.evolution!,
  LOADOUT_SQS_QUEUE_URL: QueueUrl!,
  LOADOUT_LOG_FORMAT: 'json',
  // Freshness is measured where metrics are recorded.
  LOADOUT_METRICS_PORT: String(await freePort()),
};
if (values.declared) {
  writeSyntheticCatalog(join(work, 'catalog'), types);
  env.LOADOUT_SCHEMAS = join(work, 'catalog');
}

interface Merge {
  table: string;
  at: number;
  freshness: number;
}
const merges: Merge[] = [];
let batches = 0;
const dev = spawn(process.execPath, [join(root, 'bin/loadout.js'), 'dev'], {
  env,
  stdio: ['ignore', 'ignore', 'pipe'],
});
const log = createInterface({ input: dev.stderr! });
// The worker's whole log beside the results: where a slow table's time went.
const devLog = createWriteStream(join(work, 'dev.log'));
log.on('line', (line) => devLog.write(`${line}\n`));
const ready = new Promise<void>((resolveReady, reject) => {
  dev.once('exit', (code) => reject(new Error(`loadout dev exited with ${code}`)));
  log.on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof entry.message === 'string' && entry.message.startsWith('running;')) resolveReady();
    if (entry.message === 'manifest merged' && typeof entry.freshnessSeconds === 'number')
      merges.push({ table: String(entry.table), at: Date.now(), freshness: entry.freshnessSeconds });
    if (entry.message === 'file batch staged') batches++;
  });
});
let wall = 0;
let generated = 0;
let started = 0;
let before = { dev: 0, temporal: 0, machine: 0 };
let after = before;
let corpus: Awaited<ReturnType<typeof streamSyntheticCorpus>>;
try {
  await ready;
  const temporalPid = (JSON.parse(readFileSync(join(work, 'home/temporal/server.json'), 'utf8')) as { pid: number })
    .pid;
  before = { dev: cpuSeconds(dev.pid!), temporal: cpuSeconds(temporalPid), machine: machineCpuSeconds() };
  started = Date.now();
  corpus = await streamSyntheticCorpus({
    to: 's3://telemetry/raw',
    types,
    seed: Number(values.seed),
    duplicateShare: 0.05,
    gzip: true,
    rate,
    durationMs: minutes * 60_000,
    everyMs: durationMs(values['object-every']!),
  });
  generated = Date.now();
  // The last objects need a load interval or two to be merged.
  await new Promise((r) => setTimeout(r, Number(values['drain-minutes']) * 60_000));
  wall = (Date.now() - started) / 1000;
  after = { dev: cpuSeconds(dev.pid!), temporal: cpuSeconds(temporalPid), machine: machineCpuSeconds() };
} finally {
  if (dev.exitCode === null) {
    dev.kill('SIGTERM');
    await new Promise((r) => dev.once('exit', r));
  }
  execFileSync(process.execPath, [join(root, 'bin/loadout.js'), 'server', 'stop'], { env, stdio: 'ignore' });
  await moto.stop();
}

const cores = cpus().length;
const share = (a: number, b: number) => Math.round(((b - a) / wall / cores) * 1000) / 10;
const all = merges.map((m) => m.freshness).sort((a, b) => a - b);
const perTable = new Map<string, number[]>();
for (const m of merges) perTable.set(m.table, [...(perTable.get(m.table) ?? []), m.freshness]);
const tables = [...perTable]
  .map(([table, f]) => {
    const sorted = f.sort((a, b) => a - b);
    return { table, merges: f.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
  })
  .sort((a, b) => (b.p95 ?? 0) - (a.p95 ?? 0));
// After the drain: the rows each table holds against the distinct records written (every type declared or inferred).
const exact = await rowsAgainstExpected(join(work, 'home', 'warehouse.duckdb'), corpus.expected);
const result = {
  date: new Date(started).toISOString(),
  command: `npx tsx scripts/bench-continuous.ts ${process.argv.slice(2).join(' ')}`,
  types: types.length,
  rate,
  minutes,
  objects: corpus.objects.length,
  records: corpus.records,
  generateSeconds: (generated - started) / 1000,
  wallSeconds: wall,
  batches,
  merges: merges.length,
  tablesMerged: perTable.size,
  tablesWithRecords: Object.keys(corpus.expected).length,
  /** Tables whose rows equal the distinct records written, when the drain ended; the others with their shortfall. */
  tablesExact: exact.exact,
  tablesBehind: exact.behind,
  freshness: { p50: percentile(all, 0.5), p95: percentile(all, 0.95), max: all[all.length - 1] ?? null },
  cpuSharePercent: {
    worker: share(before.dev, after.dev),
    temporalServer: share(before.temporal, after.temporal),
    machine: share(before.machine, after.machine),
  },
  cores,
  tables,
};
writeFileSync(join(work, 'bench-continuous.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  `Continuous run, ${result.date}: \`${result.command}\``,
  '',
  '| types | events/s | minutes | objects | records | merges | tables merged / with records | freshness p50 | p95 | max | worker CPU | Temporal server CPU | whole machine |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  `| ${result.types} | ${rate} | ${minutes} | ${result.objects} | ${result.records} | ${result.merges} | ${result.tablesMerged} / ${result.tablesWithRecords} | ${result.freshness.p50} s | ${result.freshness.p95} s | ${result.freshness.max} s | ${result.cpuSharePercent.worker} % | ${result.cpuSharePercent.temporalServer} % | ${result.cpuSharePercent.machine} % |`,
  '',
  `CPU shares are of all ${cores} cores over ${wall.toFixed(0)} s. After the drain, ${result.tablesExact} of ${result.tablesWithRecords} tables held exactly the distinct records written (${Object.keys(result.tablesBehind).length} behind). Slowest tables by p95 freshness:`,
  '',
  '| table | merges | p50 | p95 |',
  '|---|---|---|---|',
  ...tables.slice(0, 10).map((t) => `| ${t.table} | ${t.merges} | ${t.p50} s | ${t.p95} s |`),
  '',
].join('\n');
writeFileSync(join(work, 'bench-continuous.md'), md);
process.stdout.write(`${md}\nresults in ${work}\n`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function rowsAgainstExpected(
  file: string,
  expected: Record<string, number>,
): Promise<{ exact: number; behind: Record<string, number> }> {
  const warehouse = await openWarehouse(`duckdb:${file}`);
  try {
    let exact = 0;
    const behind: Record<string, number> = {};
    for (const [table, rows] of Object.entries(expected)) {
      const found = (await warehouse.describeTable('loadout', table))
        ? Number((await warehouse.query(`SELECT count(*) AS n FROM ${qualified('loadout', table)}`))[0]!.n)
        : 0;
      if (found === rows) exact++;
      else behind[table] = rows - found;
    }
    return { exact, behind };
  } finally {
    await warehouse.close();
  }
}
