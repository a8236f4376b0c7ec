/**
 * A batch's personal-data side output as Parquet, shaped like a staged table (`personal_data`):
 * one row per subject and distinct set of clear values, the values sealed (core/personal/seal.ts).
 * Analysts' tables hold pseudonyms only; this file and the warehouse schema it is loaded into
 * are for subject access and erasure.
 */
import { join } from 'node:path';
import type { OutputColumn } from '../../schemas/column-types';
import { fingerprintColumns } from '../../schemas/fingerprint';
import { COLUMNS_METADATA_KEY } from '../parquet-stage-writer';
import { TableFile } from '../parquet/table-file';
import type { PersonalData, Subject } from './personal-data';
import { pseudonymOf } from './pseudonym';
import { seal } from './seal';

export const PERSONAL_DATA_TABLE = 'personal_data';

/** Unique key: (pseudonym, values_digest), so a subject seen with the same values in many batches is one row. */
export const PERSONAL_DATA_COLUMNS: readonly OutputColumn[] = [
  { name: 'pseudonym', type: 'string', nullable: false, path: ['pseudonym'] },
  { name: 'values_digest', type: 'string', nullable: false, path: ['values_digest'] },
  { name: 'data_key_id', type: 'string', nullable: false, path: ['data_key_id'] },
  { name: 'sealed_values', type: 'string', nullable: false, path: ['sealed_values'] },
  { name: 'first_seen', type: 'timestamp', nullable: false, path: ['first_seen'] },
  { name: 'last_seen', type: 'timestamp', nullable: false, path: ['last_seen'] },
];

export const PERSONAL_DATA_FINGERPRINT = fingerprintColumns(PERSONAL_DATA_COLUMNS);

/** What a sealed row opens to: the clear values by column name, each list sorted. */
export type ClearValues = Record<string, string[]>;

/** The staged key of a batch's side output: its own prefix, so table loads never list it. */
export function personalDataKey(batchId: string): string {
  return `pii/staged/${PERSONAL_DATA_TABLE}/${PERSONAL_DATA_FINGERPRINT}-${batchId}.parquet`;
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
  const columns = JSON.stringify(PERSONAL_DATA_COLUMNS.map(({ name, type, nullable }) => ({ name, type, nullable })));
  const file = new TableFile(`${path}.partial`, PERSONAL_DATA_COLUMNS, PERSONAL_DATA_COLUMNS.map(() => false), [{ key: COLUMNS_METADATA_KEY, value: columns }], {
    rows: 100_000, bytes: 16 * 1024 * 1024, pageBytes: 64 * 1024,
  });
  for (const subject of subjects) {
    const clear = JSON.stringify(clearValuesOf(subject));
    // Keyed, so the digest says nothing of the values to whoever lacks the pseudonym key.
    const digest = pseudonymOf(pseudonymKey, `${subject.pseudonym}\u0000${clear}`);
    file.push([subject.pseudonym, digest, dataKey.id, seal(dataKey, clear, subject.pseudonym), micros(subject.first), micros(subject.last)]);
  }
  file.finish(path);
  return { path, rows: file.rows };
}

function micros(iso: string): number {
  return Date.parse(iso) * 1000;
}
