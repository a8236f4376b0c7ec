/** A test file's scratch space: a temporary directory and an in-memory DuckDB to read its Parquet back. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface DuckDbScratch {
  /** The temporary directory, removed after the file's tests. */
  readonly root: string;
  readonly db: DuckDBConnection;
}

/** Opens the scratch space before the file's tests and removes it after them; read its fields inside tests. */
export function duckDbScratch(prefix: string): DuckDbScratch {
  const scratch = {} as { root: string; db: DuckDBConnection };
  let instance: DuckDBInstance | undefined;
  beforeAll(async () => {
    scratch.root = mkdtempSync(join(tmpdir(), prefix));
    instance = await DuckDBInstance.create(':memory:');
    scratch.db = await instance.connect();
  });
  afterAll(() => {
    scratch.db?.closeSync();
    instance?.closeSync();
    if (scratch.root) rmSync(scratch.root, { recursive: true, force: true });
  });
  return scratch;
}
