/** The columns of staged files of a fingerprint: from the catalog, a cache in the lake, or a footer. */
import { parquetMetadata } from 'hyparquet';
import { warehouseColumnOf } from '../schemas/column-types';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import { COLUMNS_METADATA_KEY } from '../core/parquet-stage-writer';
import { STAGED_LINEAGE_COLUMNS } from '../schemas/lineage-columns';
import type { OutputColumn } from '../schemas/column-types';

type StagedColumnShape = Pick<OutputColumn, 'name' | 'type' | 'nullable'> & { maxBytes?: number };
import type { WarehouseColumn } from '../stores/warehouse/warehouse';
import { columnsOfRecord, stagedSchemaKey } from '../core/evolution/staged-schema';

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
  // Staged files of lineage-carrying tables end with the lineage columns the core writes.
  const staged = (columns: readonly StagedColumnShape[]) =>
    [...columns, ...(lineage ? STAGED_LINEAGE_COLUMNS : [])].map(warehouseColumnOf);
  if (type?.fingerprint === fingerprint) return staged(type.columns);
  // An evolved file's columns, recorded by its batch before it was staged (core/evolution/staged-schema.ts).
  const recordKey = stagedSchemaKey(table, fingerprint);
  if (await lake.head(recordKey)) return staged(columnsOfRecord(recordKey, await readJson(lake, recordKey)));
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
