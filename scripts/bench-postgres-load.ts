/**
 * How fast PostgresWarehouse.merge loads staged Parquet: stages N damage_dealt rows with
 * ParquetTableWriter (100k-row row groups, FILES files), then merges them into an empty table, then
 * merges a second manifest of N rows, half of them replacing rows of the first.
 *
 *   npx tsx scripts/bench-postgres-load.ts [--rows 1000000] [--files 10] [--format binary|csv] [--url postgres://...] [--options '-c name=value'] [--keep]
 *
 * --keep keeps the staged files in $TMPDIR/loadout-bench-pg-ROWS-FILES and reuses them next time.
 * Without --url (or LOADOUT_BENCH_POSTGRES) it starts a throwaway cluster like the tests do.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ParquetTableWriter } from '../test/helpers/parquet-fixture-writer';
import { loadCatalog } from '../schemas/catalog';
import { binaryChunks, csvChunks } from '../stores/warehouse/postgres-copy-encoders';
import { POSTGRES_TYPES, PostgresWarehouse } from '../stores/warehouse/postgres-warehouse';
import { createTableSql } from '../stores/warehouse/sql/merge-sql';
import type { MergePlan } from '../stores/warehouse/warehouse';
import { startPostgres } from '../test/helpers/postgres-server';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const ROWS = Number(arg('rows', '1000000'));
const FILES = Number(arg('files', '10'));
const GROUP = 100_000;
const SCHEMA = 'bench';

const catalog = await loadCatalog();
const type = catalog.table('damage_dealt')!;
const columns = type.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
const KEEP = process.argv.includes('--keep');
const dir = KEEP
  ? join(tmpdir(), `loadout-bench-pg-${ROWS}-${FILES}`)
  : mkdtempSync(join(tmpdir(), 'loadout-bench-pg-'));
mkdirSync(dir, { recursive: true });
const given = arg('url', process.env.LOADOUT_BENCH_POSTGRES ?? '');
const server = given ? undefined : await startPostgres();
// --options '-c temp_buffers=256MB' tries server settings for the loading session.
const sessionOptions = arg('options', '');
const url = sessionOptions
  ? `${given || server!.url}?options=${encodeURIComponent(sessionOptions)}`
  : given || server!.url;
const steps: string[] = [];
const warehouse = new PostgresWarehouse(url, {
  ...(process.env.BENCH_WORK_MEM ? { workMem: process.env.BENCH_WORK_MEM } : {}),
  copyFormat: arg('format', 'binary') === 'csv' ? 'csv' : 'binary',
  onStep: (step, ms) => steps.push(`${step} ${(ms / 1000).toFixed(2)}s`),
});
const showSteps = () => {
  if (steps.length) console.log(`  steps: ${steps.splice(0).join(', ')}`);
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuid = (n: number, tag: number) =>
  `${hex(tag, 8)}-${hex((n >>> 16) & 0xffff, 4)}-4${hex(n & 0xfff, 3)}-8000-${hex(n, 12)}`;
const WEAPONS = ['rifle', 'pistol', 'shotgun', 'knife', 'bow', 'sniper "long", 7.62'];

/** FILES files of rows [from, from + rows) of synthetic damage_dealt events. */
function stage(name: string, from: number, rows: number): string[] {
  const paths: string[] = [];
  const perFile = Math.ceil(rows / FILES);
  const t0 = Date.parse('2026-11-22T00:00:00Z') * 1000;
  for (let f = 0; f < FILES; f++) {
    const start = from + f * perFile;
    const end = Math.min(from + rows, start + perFile);
    if (start >= end) break;
    const path = join(dir, `${name}-${f}.parquet`);
    paths.push(path);
    if (KEEP && existsSync(path)) continue;
    const writer = new ParquetTableWriter(path, type.columns);
    for (let g = start; g < end; g += GROUP) {
      const n = Math.min(GROUP, end - g);
      const values = type.columns.map(() => new Array<unknown>(n));
      for (let i = 0; i < n; i++) {
        const k = g + i;
        values[0]![i] = uuid(k, 0xdd);
        values[1]![i] = t0 + k * 1_234 + 567;
        values[2]![i] = uuid(k >>> 6, 0x6e);
        values[3]![i] = uuid(k >>> 3, 0x9e);
        values[4]![i] = k % 5000;
        values[5]![i] = WEAPONS[k % WEAPONS.length];
        values[6]![i] = (k % 1000) / 7;
        values[7]![i] = k % 3 === 0;
      }
      writer.writeRowGroup(values, n);
    }
    writer.close();
  }
  return paths;
}

function plan(files: string[], manifest: string): MergePlan {
  return {
    schema: SCHEMA,
    table: 'damage_dealt',
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: files.map((p) => ({ url: p, key: p, bytes: statSync(p).size })),
    manifestKey: `manifests/damage_dealt/${manifest}.json`,
    manifestUrl: `file://${dir}/${manifest}.json`,
  };
}

async function timed<T>(label: string, rows: number, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${label.padEnd(58)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds)
      .toLocaleString('en-US')
      .padStart(11)} rows/s`,
  );
  return result;
}

try {
  console.log(
    `PostgreSQL load benchmark: ${ROWS.toLocaleString('en-US')} damage_dealt rows in ${FILES} files, ${GROUP.toLocaleString('en-US')}-row row groups, COPY format ${arg('format', 'binary')}`,
  );
  const first = await timed('stage Parquet (ParquetTableWriter), manifest 1', ROWS, async () => stage('a', 0, ROWS));
  const second = await timed('stage Parquet, manifest 2 (half the keys overlap)', ROWS, async () =>
    stage('b', ROWS / 2, ROWS),
  );
  const bytes = first.reduce((s, p) => s + statSync(p).size, 0);
  console.log(`staged size: ${(bytes / 1e6).toFixed(1)} MB per manifest`);
  const drain = async (chunks: AsyncIterable<string | Buffer>) => {
    let total = 0;
    await pipeline(
      Readable.from(chunks),
      new Writable({
        write(chunk: Buffer, _enc, done) {
          total += chunk.length;
          done();
        },
      }),
    );
    return total;
  };
  const csvBytes = await timed('read Parquet + encode CSV only (no database)', ROWS, () =>
    drain(csvChunks(plan(first, 'x'), 5_000)),
  );
  const binBytes = await timed('read Parquet + encode binary COPY only (no database)', ROWS, () =>
    drain(binaryChunks(plan(first, 'x'))),
  );
  console.log(`COPY stream size: CSV ${(csvBytes / 1e6).toFixed(1)} MB, binary ${(binBytes / 1e6).toFixed(1)} MB`);
  await warehouse.ensureLedger(SCHEMA);
  await warehouse.runDdl([
    `DROP TABLE IF EXISTS ${SCHEMA}.damage_dealt`,
    createTableSql(SCHEMA, 'damage_dealt', columns, POSTGRES_TYPES),
  ]);
  await warehouse.runDdl([`DROP TABLE IF EXISTS ${SCHEMA}.loadout_ledger_damage_dealt`]);
  const o1 = await timed('merge manifest 1 into an empty table (COPY + merge)', ROWS, () =>
    warehouse.merge(plan(first, 'm1')),
  );
  console.log(`  -> ${JSON.stringify(o1)}`);
  showSteps();
  const o2 = await timed(`merge manifest 2 into the ${ROWS.toLocaleString('en-US')}-row table`, ROWS, () =>
    warehouse.merge(plan(second, 'm2')),
  );
  console.log(`  -> ${JSON.stringify(o2)}`);
  showSteps();
  const again = await timed('merge manifest 2 again (ledger says loaded)', ROWS, () =>
    warehouse.merge(plan(second, 'm2')),
  );
  console.log(`  -> ${JSON.stringify(again)}`);
  const [count] = await warehouse.query(`SELECT count(*) AS n FROM ${SCHEMA}.damage_dealt`);
  console.log(`table rows: ${JSON.stringify(count)} (expected ${ROWS * 1.5})`);
} finally {
  await warehouse.close();
  await server?.stop();
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
