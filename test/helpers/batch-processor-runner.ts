/** BatchProcessor run in a test file's scratch space, and its staged output read back with DuckDB. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../core/batch-processor';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { duckDbScratch, type DuckDbScratch } from './duckdb-scratch';
import { TEST_PERSONAL_KEYS } from './personal-keys';

export interface BatchProcessorRunner {
  /** The catalog, loaded before the file's tests; read it inside tests. */
  readonly catalog: Catalog;
  readonly scratch: DuckDbScratch;
  /** Processes the objects in order, each in a fresh work directory, and finishes the batch. */
  run(objects: [source: string, body: Buffer | string][], tables?: string[]): Promise<BatchOutput>;
  /** A staged Parquet file's rows, with the date as microseconds since the epoch. */
  rows(path: string, orderBy: string): Promise<Record<string, unknown>[]>;
  /** A staged Parquet file's column names and DuckDB types. */
  describeTypes(path: string): Promise<[string, string][]>;
}

/** Loads the catalog and opens a scratch space before the file's tests. */
export function batchProcessorRunner(prefix: string): BatchProcessorRunner {
  let catalog: Catalog | undefined;
  const scratch = duckDbScratch(prefix);

  beforeAll(async () => {
    catalog = await loadCatalog();
  });

  let runs = 0;
  async function run(objects: [source: string, body: Buffer | string][], tables?: string[]): Promise<BatchOutput> {
    const processor = new BatchProcessor({
      catalog: catalog!,
      workDir: join(scratch.root, `run-${++runs}`),
      tables,
      personal: TEST_PERSONAL_KEYS,
    });
    for (const [source, body] of objects) await processor.processObject(source, Readable.from([Buffer.from(body)]));
    return processor.finish();
  }

  async function rows(path: string, orderBy: string): Promise<Record<string, unknown>[]> {
    const reader = await scratch.db.runAndReadAll(
      `SELECT * EXCLUDE (date), epoch_us(date) AS date_us FROM read_parquet('${path}') ORDER BY ${orderBy}`,
    );
    return reader.getRowObjects() as Record<string, unknown>[];
  }

  async function describeTypes(path: string): Promise<[string, string][]> {
    const reader = await scratch.db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    return reader.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]);
  }

  return {
    get catalog() {
      return catalog!;
    },
    scratch,
    run,
    rows,
    describeTypes,
  };
}

export const jsonLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
/** The field named as a whole word, so `id` does not match `invalid`. */
export const wordRe = (field: string) => new RegExp(`(^|[^A-Za-z0-9_])${field}([^A-Za-z0-9_]|$)`);
