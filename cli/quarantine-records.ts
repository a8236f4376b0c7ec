/** Reads the lake's open quarantine records (quarantine/), which the processing activity writes and deletes. */
import { QUARANTINE_PREFIX, type QuarantineRecord } from '../core/quarantine';
import { ObjectNotFoundError, type ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';

export interface OpenQuarantineRecord extends QuarantineRecord {
  /** The record's key in the lake (quarantine/...). */
  record: string;
}

export async function readQuarantineRecords(lake: ObjectStore): Promise<OpenQuarantineRecord[]> {
  const found: OpenQuarantineRecord[] = [];
  for await (const o of lake.list(QUARANTINE_PREFIX)) {
    if (!o.key.endsWith('.json')) continue;
    try {
      found.push({ ...(await readJson<QuarantineRecord>(lake, o.key)), record: o.key });
    } catch (error) {
      // Deleted between the listing and the read: its object was processed meanwhile.
      if (error instanceof ObjectNotFoundError) continue;
      throw error;
    }
  }
  return found.sort((a, b) => (a.at < b.at ? 1 : -1));
}
