/**
 * A batch's personal-data side output as Parquet, shaped like a staged table (`personal_data`):
 * one row per subject and distinct set of clear values, the values sealed (core/personal/seal.ts).
 * Analysts' tables hold pseudonyms only; this file and the warehouse schema it is loaded into
 * are for subject access and erasure.
 */
import { join } from 'node:path';
import { defineEvent, type EventType } from '../../schemas/define-event';
import { warehouseColumnOf } from '../../schemas/column-types';
import { jsonText, string, timestamp } from '../../schemas/fields';
import { z } from 'zod';
import { COLUMNS_METADATA_KEY } from '../parquet-stage-writer';
import { TableFile } from '../parquet/table-file';
import type { PersonalData, Subject } from './personal-data';
import { pseudonymOf } from './pseudonym';
import { seal, unseal, type DataKey } from './seal';

export const PERSONAL_DATA_TABLE = 'personal_data';

/**
 * The store's table, declared like an event type so the load machinery can plan, create and merge
 * it. Never in a catalog: no raw record can be routed to it. Unique key (pseudonym, values_digest),
 * so a subject seen with the same values in many batches is one row. `sealed_values` is JSON text
 * (`{"alg":"AES-256-GCM","data":base64}`), typed `json` for its room (65,535 bytes on Redshift).
 */
export const PERSONAL_DATA_TYPE: EventType = defineEvent({
  tag: PERSONAL_DATA_TABLE,
  uniqueKey: ['pseudonym', 'values_digest'],
  fields: {
    pseudonym: string({ max: 64 }),
    values_digest: string({ max: 64 }),
    data_key_id: string({ max: 64 }),
    sealed_values: jsonText(z.object({ alg: z.literal('AES-256-GCM'), data: z.string() })),
    first_seen: timestamp(),
    last_seen: timestamp(),
  },
});

export const PERSONAL_DATA_COLUMNS = PERSONAL_DATA_TYPE.columns;
export const PERSONAL_DATA_FINGERPRINT = PERSONAL_DATA_TYPE.fingerprint;

/** What a sealed row opens to: the clear values by column name, each list sorted. */
export type ClearValues = Record<string, string[]>;

/** The staged key of a batch's side output: its own prefix, so table loads never list it. */
export function personalDataKey(batchId: string): string {
  return `pii/staged/${PERSONAL_DATA_TABLE}/${PERSONAL_DATA_FINGERPRINT}-${batchId}.parquet`;
}

/** Opens a row's sealed values with its data key (found by the row's data_key_id). */
export function openSealedValues(dataKey: DataKey, pseudonym: string, sealedValues: string): ClearValues {
  const { data } = JSON.parse(sealedValues) as { data: string };
  return JSON.parse(unseal(dataKey, data, pseudonym)) as ClearValues;
}

export function clearValuesOf(subject: Subject): ClearValues {
  const names = [...subject.values.keys()].sort();
  return Object.fromEntries(names.map((n) => [n, [...subject.values.get(n)!].sort()]));
}

/** Writes `{dir}/personal_data.parquet`; undefined (no file) when the batch saw no personal value. */
export function writePersonalDataFile(personal: PersonalData, dir: string): { path: string; rows: number } | undefined {
  const subjects = [...personal.seen.values()].sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : 1));
  if (subjects.length === 0) return undefined;
  const { pseudonymKey, dataKey } = personal.keys;
  const path = join(dir, `${PERSONAL_DATA_TABLE}.parquet`);
  const columns = JSON.stringify(PERSONAL_DATA_COLUMNS.map(warehouseColumnOf));
  const file = new TableFile(
    `${path}.partial`,
    PERSONAL_DATA_COLUMNS,
    PERSONAL_DATA_COLUMNS.map(() => false),
    [{ key: COLUMNS_METADATA_KEY, value: columns }],
    {
      rows: 100_000,
      bytes: 16 * 1024 * 1024,
      pageBytes: 64 * 1024,
    },
  );
  for (const subject of subjects) {
    const clear = JSON.stringify(clearValuesOf(subject));
    // Keyed, so the digest says nothing of the values to whoever lacks the pseudonym key.
    const digest = pseudonymOf(pseudonymKey, `${subject.pseudonym}\u0000${clear}`);
    file.push([
      subject.pseudonym,
      digest,
      dataKey.id,
      JSON.stringify({ alg: 'AES-256-GCM', data: seal(dataKey, clear, subject.pseudonym) }),
      micros(subject.first),
      micros(subject.last),
    ]);
  }
  file.finish(path);
  return { path, rows: file.rows };
}

function micros(iso: string): number {
  return Date.parse(iso) * 1000;
}
