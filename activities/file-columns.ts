/** The columns of staged files of a fingerprint: from the catalog, a cache in the lake, or a footer. */
import { parquetMetadata } from 'hyparquet';
import type { OutputColumn } from '../schemas/column-types';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import { COLUMNS_METADATA_KEY, withStagedLineage } from '../core/parquet-stage-writer';
import type { WarehouseColumn } from '../stores/warehouse/warehouse';

export async function fileColumnsOf(
  catalog: Catalog,
  lake: ObjectStore,
  table: string,
  fingerprint: string,
  sampleKey: string,
  /** The table's staged files end with the lineage columns (written by this version's core). */
  lineage = false,
): Promise<WarehouseColumn[]> {
  const type = catalog.table(table);
  if (type?.fingerprint === fingerprint) return (lineage ? withStagedLineage(type.columns) : type.columns).map(strip);
  const cacheKey = `fingerprints/${fingerprint}.json`;
  if (await lake.head(cacheKey)) return readJson<WarehouseColumn[]>(lake, cacheKey);
  // Never guess: an older fingerprint's columns come from the footer the writer left in the file.
  const bytes = await lake.readBytes(sampleKey);
  const metadata = parquetMetadata(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === COLUMNS_METADATA_KEY);
  if (!entry?.value)
    throw new Error(`${sampleKey} has no ${COLUMNS_METADATA_KEY} footer entry: not written by Loadout`);
  const columns = JSON.parse(entry.value) as WarehouseColumn[];
  await lake.write(cacheKey, JSON.stringify(columns));
  return columns;
}

function strip(c: OutputColumn): WarehouseColumn {
  return { name: c.name, type: c.type, nullable: c.nullable };
}
