/** The reference: DuckDB's own read_json -> COPY ... (FORMAT parquet), one thread, same files. */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openObjectStore } from '../stores/object/open-object-store';
import { listRawObjects } from './ingest';

export interface ReferenceResult {
  engine: string;
  rows: number;
  seconds: number;
  rows_per_sec: number;
  peak_rss_mb: number;
}

/**
 * DuckDB converts every record, whatever its type, into one wide Parquet file: no routing,
 * validation or dedup. It is the floor of what a native columnar engine costs on these bytes.
 */
export async function benchDuckdbReference(inputDir: string): Promise<ReferenceResult> {
  const store = openObjectStore(inputDir);
  const files = (await listRawObjects(store)).map((o) => join(store.location, o.key));
  const work = await mkdtemp(join(tmpdir(), 'loadout-ref-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const list = `[${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;
    const out = join(work, 'reference.parquet').replaceAll("'", "''");
    const started = process.hrtime.bigint();
    // DuckDB skips bad input only in newline_delimited mode: lines holding concatenated records
    // and invalid lines are dropped by it (rows below says how many it kept).
    await connection.run(
      `COPY (SELECT * FROM read_json(${list}, format = 'newline_delimited', union_by_name = true, ignore_errors = true, maximum_object_size = 16777216)) TO '${out}' (FORMAT parquet)`,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const count = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet('${out}')`);
    const rows = Number(count.getRowObjects()[0]!.n);
    const version = await connection.runAndReadAll('SELECT version() AS v');
    return {
      engine: `DuckDB ${String(version.getRowObjects()[0]!.v)} (threads=1)`,
      rows,
      seconds: Math.round(seconds * 1000) / 1000,
      rows_per_sec: Math.round(rows / seconds),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}
