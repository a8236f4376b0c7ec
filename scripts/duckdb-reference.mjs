#!/usr/bin/env node
/**
 * Runs scripts/duckdb-reference.sql (the hand-written DuckDB alternative to `loadout run`) over a
 * directory of raw objects into a fresh DuckDB file, and prints one JSON line: wall time, rows per table.
 *
 *   node scripts/duckdb-reference.mjs --input DIR [--db PATH] [--threads N]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { input: { type: 'string' }, db: { type: 'string' }, threads: { type: 'string' } },
});
if (!values.input) {
  console.error('usage: node scripts/duckdb-reference.mjs --input DIR [--db PATH] [--threads N]');
  process.exit(2);
}
const db = values.db ?? join(tmpdir(), `duckdb-reference-${process.pid}.duckdb`);
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
const glob = join(resolve(values.input), '**', '*.gz').replaceAll("'", "''");
const sql = readFileSync(new URL('./duckdb-reference.sql', import.meta.url), 'utf8').replaceAll('{{RAW}}', glob);
const started = performance.now();
// The process's start and the file's open count too: a user's `duckdb db < script.sql` pays them.
const instance = await DuckDBInstance.create(db, values.threads ? { threads: values.threads } : {});
const connection = await instance.connect();
try {
  await connection.run(sql);
  const seconds = (performance.now() - started) / 1000;
  const reader = await connection.runAndReadAll(
    `SELECT table_name AS t, estimated_size AS n FROM duckdb_tables() WHERE schema_name = 'reference' ORDER BY 1`,
  );
  const tables = Object.fromEntries(reader.getRowObjects().map((r) => [String(r.t), Number(r.n)]));
  console.log(JSON.stringify({ seconds: Math.round(seconds * 1000) / 1000, tables }));
} finally {
  connection.closeSync();
  instance.closeSync();
  if (!values.db) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
  }
}
