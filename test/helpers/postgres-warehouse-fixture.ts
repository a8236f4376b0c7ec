/**
 * A PostgresWarehouse on a real, throwaway PostgreSQL cluster for a test file, and Parquet staged for it
 * by ParquetTableWriter. The bindings below are set before the file's tests: read them inside tests.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ParquetTableWriter } from './parquet-fixture-writer';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import type { OutputColumn } from '../../schemas/column-types';
import type { EventType } from '../../schemas/define-event';
import { fingerprintColumns } from '../../schemas/fingerprint';
import { POSTGRES_TYPES, PostgresWarehouse } from '../../stores/warehouse/postgres-warehouse';
import { createTableSql } from '../../stores/warehouse/sql/merge-sql';
import type { MergePlan, WarehouseColumn } from '../../stores/warehouse/warehouse';
import { startPostgres, type PostgresServer } from './postgres-server';

export const SCHEMA = 'loadout_pg';
export let server: PostgresServer;
export let warehouse: PostgresWarehouse;
export let catalog: Catalog;
export let dir: string;

/** Starts the cluster and creates the ledger before the file's tests; stops it after them. */
export function usePostgresWarehouse(): void {
  beforeAll(async () => {
    server = await startPostgres();
    warehouse = new PostgresWarehouse(server.url);
    catalog = await loadCatalog();
    dir = mkdtempSync(join(tmpdir(), 'loadout-pg-warehouse-'));
    await warehouse.ensureLedger(SCHEMA);
  });

  afterAll(async () => {
    await warehouse?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

export const micros = (iso: string, extraMicros = 0) => Date.parse(iso) * 1000 + extraMicros;
export const uuid = (n: number, prefix = '0000') =>
  `${prefix}${String(n).padStart(4, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function strip(c: OutputColumn): WarehouseColumn {
  return { name: c.name, type: c.type, nullable: c.nullable };
}

let fileNo = 0;
/** One Parquet file; each inner array of `groups` is one row group of row arrays. */
export function stage(columns: readonly OutputColumn[], ...groups: unknown[][][]): string {
  const path = join(dir, `${++fileNo}.parquet`);
  const writer = new ParquetTableWriter(path, columns);
  for (const rows of groups) {
    const values = columns.map((_, i) => rows.map((r) => r[i]));
    writer.writeRowGroup(values, rows.length);
  }
  writer.close();
  return path;
}

export function planFor(
  table: string,
  type: EventType,
  files: string[],
  manifest: string,
  fileColumns = type.columns,
  targetColumns = type.columns,
): MergePlan {
  return {
    schema: SCHEMA,
    table,
    targetColumns: targetColumns.map(strip),
    fileColumns: fileColumns.map(strip),
    fingerprint: fingerprintColumns(fileColumns),
    uniqueKey: type.uniqueKey,
    files: files.map((url) => ({ url, key: `staged/${table}/${basename(url)}`, bytes: statSync(url).size })),
    manifestKey: `manifests/${table}/${manifest}.json`,
    manifestUrl: `file://${dir}/manifests/${table}/${manifest}.json`,
  };
}

export async function createTable(table: string, columns: readonly OutputColumn[]): Promise<void> {
  await warehouse.runDdl([createTableSql(SCHEMA, table, columns.map(strip), POSTGRES_TYPES)]);
}

export async function dump(table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  return warehouse.query(`SELECT * FROM ${SCHEMA}.${table} ORDER BY ${orderBy}`);
}
