/** Opens the Warehouse a URL names: duckdb:PATH, postgres://..., redshift://... */
import type { Warehouse } from './warehouse';

export async function openWarehouse(url: string): Promise<Warehouse> {
  if (url.startsWith('duckdb:')) {
    const { DuckDbWarehouse } = await import('./duckdb-warehouse');
    const path = url.slice('duckdb:'.length);
    if (path === '') throw new Error('duckdb: needs a file path, e.g. duckdb:.loadout/warehouse.duckdb');
    return new DuckDbWarehouse(path);
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresWarehouse } = await import('./postgres-warehouse');
    return new PostgresWarehouse(url);
  }
  if (/^redshift(-serverless)?:\/\//.test(url)) {
    const { RedshiftWarehouse } = await import('./redshift-warehouse');
    return RedshiftWarehouse.fromUrl(url);
  }
  throw new Error(`unsupported warehouse ${url}: use duckdb:PATH, postgres://... or redshift://...`);
}
