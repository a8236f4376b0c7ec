/**
 * Subject access: everything Loadout holds of one player, found by the player's pseudonym. Rows of
 * every table with a pseudonymised column, the store's sealed values opened, and the lake files
 * holding the player's records: staged and loaded table files (found through the batches whose
 * personal-data side output names the pseudonym), rejects and unknown records (by the clear id).
 */
import { parquetReadObjects } from 'hyparquet';
import { PERSONAL_DATA_TABLE, openSealedValues, type ClearValues } from '../core/personal/personal-data-file';
import { pseudonymOf } from '../core/personal/pseudonym';
import { personalDataSchemaOf } from '../activities/load-target';
import type { Catalog } from '../schemas/catalog';
import type { KeyRing } from '../stores/keys/key-ring';
import type { ObjectStore } from '../stores/object/object-store';
import type { Warehouse } from '../stores/warehouse/warehouse';
import { ident, qualified } from '../stores/warehouse/sql/identifiers';

export interface SubjectExport {
  pseudonym: string;
  /** The player's rows per table, as the warehouse holds them (pseudonyms, networks). */
  tables: Record<string, Record<string, unknown>[]>;
  /** Every clear value the store holds for the player, by column, with when it was seen. */
  personalData: { values: ClearValues; firstSeen?: string; lastSeen?: string };
  lakeFiles: string[];
}

export async function exportSubject(
  deps: { catalog: Catalog; warehouse: Warehouse; warehouseSchema: string; lake: ObjectStore; keys: KeyRing },
  playerId: string,
): Promise<SubjectExport> {
  const pseudonym = pseudonymOf(deps.keys.personal.pseudonymKey, playerId);
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const type of deps.catalog.eventTypes) {
    const columns = type.personal.filter((p) => p.treatment === 'pseudonymise').map((p) => p.name);
    if (columns.length === 0 || !(await deps.warehouse.describeTable(deps.warehouseSchema, type.table))) continue;
    const where = columns.map((c) => `${ident(c)} = $1`).join(' OR ');
    tables[type.table] = await deps.warehouse.query(
      `SELECT * FROM ${qualified(deps.warehouseSchema, type.table)} WHERE ${where}`,
      [pseudonym],
    );
  }
  const personalData = await storedValues(deps, pseudonym);
  return { pseudonym, tables, personalData, lakeFiles: await lakeFilesOf(deps, pseudonym, playerId) };
}

async function storedValues(
  deps: { warehouse: Warehouse; warehouseSchema: string; keys: KeyRing },
  pseudonym: string,
): Promise<SubjectExport['personalData']> {
  const schema = personalDataSchemaOf(deps.warehouseSchema);
  const values: Record<string, Set<string>> = {};
  let firstSeen: string | undefined, lastSeen: string | undefined;
  if (!(await deps.warehouse.describeTable(schema, PERSONAL_DATA_TABLE))) return { values: {} };
  for (const row of await deps.warehouse.query(
    `SELECT * FROM ${qualified(schema, PERSONAL_DATA_TABLE)} WHERE "pseudonym" = $1`,
    [pseudonym],
  )) {
    const key = deps.keys.dataKeys.get(String(row.data_key_id));
    if (key === undefined) throw new Error(`the key ring has no data key ${String(row.data_key_id)}`);
    for (const [name, list] of Object.entries(openSealedValues(key, pseudonym, String(row.sealed_values)))) {
      for (const v of list) (values[name] ??= new Set()).add(v);
    }
    const first = new Date(row.first_seen as string).toISOString(),
      last = new Date(row.last_seen as string).toISOString();
    if (firstSeen === undefined || first < firstSeen) firstSeen = first;
    if (lastSeen === undefined || last > lastSeen) lastSeen = last;
  }
  return {
    values: Object.fromEntries(Object.entries(values).map(([k, s]) => [k, [...s].sort()])),
    firstSeen,
    lastSeen,
  };
}

async function lakeFilesOf(
  deps: { catalog: Catalog; lake: ObjectStore },
  pseudonym: string,
  playerId: string,
): Promise<string[]> {
  const found: string[] = [];
  // Batches whose side output names the pseudonym, then their table files that hold it.
  const batches = new Set<string>();
  for (const prefix of [`pii/staged/${PERSONAL_DATA_TABLE}/`, `pii/loaded/${PERSONAL_DATA_TABLE}/`]) {
    for await (const o of deps.lake.list(prefix)) {
      if (!(await parquetHolds(deps.lake, o.key, ['pseudonym'], pseudonym))) continue;
      found.push(o.key);
      batches.add(/-([0-9a-f]+)\.parquet$/.exec(o.key)![1]!);
    }
  }
  for (const type of deps.catalog.eventTypes) {
    const columns = type.personal.filter((p) => p.treatment === 'pseudonymise').map((p) => p.name);
    if (columns.length === 0) continue;
    for (const prefix of [`staged/${type.table}/`, `loaded/${type.table}/`]) {
      for await (const o of deps.lake.list(prefix)) {
        const batch = /-([0-9a-f]+)\.parquet$/.exec(o.key)?.[1];
        if (batch !== undefined && batches.has(batch) && (await parquetHolds(deps.lake, o.key, columns, pseudonym)))
          found.push(o.key);
      }
    }
  }
  // Unknown records are raw text, rejects hold it as a JSON string: the id as JSON writes it, once or twice escaped.
  const needle = JSON.stringify(playerId),
    escaped = JSON.stringify(needle).slice(1, -1);
  for (const prefix of ['rejects/', 'unknown/', 'replay/rejects/', 'replay/unknown/']) {
    for await (const o of deps.lake.list(prefix)) {
      const text = Buffer.from(await deps.lake.readBytes(o.key)).toString('utf8');
      if (text.includes(needle) || text.includes(escaped)) found.push(o.key);
    }
  }
  return found.sort();
}

async function parquetHolds(lake: ObjectStore, key: string, columns: string[], value: string): Promise<boolean> {
  const bytes = await lake.readBytes(key);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file, columns })) as Record<string, unknown>[];
  return rows.some((r) => columns.some((c) => r[c] === value));
}
