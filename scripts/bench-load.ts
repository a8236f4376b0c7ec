/**
 * Load benchmark: stage N rows of a catalog table as Parquet (as fileBatch does), then one merge
 * (COPY into staging, dedup, delete-and-insert, ledger) into DuckDB and into PostgreSQL.
 * Usage: npx tsx scripts/bench-load.ts [--rows 1000000] [--files 10] [--postgres postgres://...]
 * Without --postgres it starts a throwaway PostgreSQL cluster with the test harness.
 * `--statements [--rounds N]`: DuckDB only, each statement of a first load and of a second one
 * overlapping it (half its keys loaded before, a quarter of those changed), with open, CHECKPOINT, close.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ParquetStageWriter } from '../core/parquet-stage-writer';
import { loadCatalog } from '../schemas/catalog';
import { createTableSql } from '../stores/warehouse/sql/merge-sql';
import { DUCKDB_TYPES, DuckDbWarehouse } from '../stores/warehouse/duckdb-warehouse';
import type { MergePlan, StagedFile, Warehouse } from '../stores/warehouse/warehouse';
import { benchStatements } from './bench-load-statements';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    files: { type: 'string', default: '10' },
    postgres: { type: 'string' },
    statements: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
  },
});
const rows = Number(values.rows);
const fileCount = Number(values.files);
const catalog = await loadCatalog();
const type = catalog.table('damage_dealt')!;
const dir = mkdtempSync(join(tmpdir(), 'loadout-bench-load-'));

function uuid(n: number, salt: number): string {
  const hex = (n * 2654435761 + salt * 97).toString(16).padStart(12, '0').slice(-12);
  return `${(salt + 0x10000000).toString(16).slice(-8)}-0000-4000-8000-${hex}`;
}

// Stage: `fileCount` files, like that many file batches; 5% of the keys repeat across files.
// `from` shifts the rows (a later load overlapping an earlier one), `changed` alters every 4th row's weapon.
function stageFiles(name: string, from = 0, changed = false): StagedFile[] {
  const staged: StagedFile[] = [];
  const base = Date.UTC(2026, 10, 22) * 1000;
  const per = Math.ceil(rows / fileCount);
  for (let f = 0; f < fileCount; f++) {
    const work = join(dir, `${name}-${f}`);
    const writer = ParquetStageWriter.open([type], { workDir: work });
    for (let i = from + f * per; i < from + Math.min(rows, (f + 1) * per); i++) {
      const k = i % 20 === 0 && i - from > per ? i - per : i;
      writer.push('damage_dealt', [
        uuid(k, 1),
        base + i * 1000,
        uuid(k % 5000, 2),
        uuid(k % 20000, 3),
        i % 500,
        changed && i % 4 === 0 ? `weapon_${i % 30}_changed` : `weapon_${i % 30}`,
        (i % 1000) / 10,
        i % 7 === 0,
      ]);
    }
    const path = writer.finish(work).get('damage_dealt')!.path;
    staged.push({
      url: path,
      key: `staged/damage_dealt/${type.fingerprint}-${name}-${f}.parquet`,
      bytes: statSync(path).size,
    });
  }
  return staged;
}
const files = stageFiles('batch');

function plan(manifest: string, staged: StagedFile[] = files): MergePlan {
  const columns = type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));
  return {
    schema: 'loadout',
    table: 'damage_dealt',
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: type.fingerprint,
    uniqueKey: type.uniqueKey,
    files: staged,
    manifestKey: `manifests/damage_dealt/${manifest}.json`,
    manifestUrl: 'unused',
  };
}

async function measure(name: string, warehouse: Warehouse, types: Parameters<typeof createTableSql>[3]) {
  await warehouse.ensureLedger('loadout');
  await warehouse.runDdl([createTableSql('loadout', 'damage_dealt', type.columns, types)]);
  const started = performance.now();
  const outcome = await warehouse.merge(plan(`bench-${Date.now()}`));
  const seconds = (performance.now() - started) / 1000;
  const [count] = await warehouse.query('SELECT COUNT(*) AS n FROM "loadout"."damage_dealt"');
  await warehouse.close();
  return {
    warehouse: name,
    rows_in_files: rows,
    rows_merged: outcome.mergedRows,
    rows_in_table: Number(count!.n),
    seconds: Math.round(seconds * 100) / 100,
    rows_per_sec: Math.round(rows / seconds),
  };
}

const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
if (values.statements) {
  const overlapping = stageFiles('overlap', Math.floor(rows / 2), true);
  const rounds = [];
  for (let r = 0; r < Number(values.rounds); r++)
    rounds.push(await benchStatements(dir, (m, f) => plan(m, f as StagedFile[]), files, overlapping, r));
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ machine, rows, files: fileCount, rounds }, null, 2));
  process.exit(0);
}

const results = [await measure('duckdb', new DuckDbWarehouse(join(dir, 'bench.duckdb')), DUCKDB_TYPES)];
let stopPostgres: (() => Promise<void>) | undefined;
try {
  let url = values.postgres;
  if (!url) {
    const { startPostgres } = await import('../test/helpers/postgres-server');
    const pg = await startPostgres();
    url = pg.url;
    stopPostgres = pg.stop;
  }
  const { PostgresWarehouse, POSTGRES_TYPES } = await import('../stores/warehouse/postgres-warehouse');
  results.push(await measure('postgres', new PostgresWarehouse(url), POSTGRES_TYPES));
} finally {
  await stopPostgres?.();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ machine, files: fileCount, results }, null, 2));
