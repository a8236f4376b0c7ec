/**
 * Quarantines objects a listing found but no operation can address (ListOptions.onUnprocessable):
 * one record per object in the lake, kind 'invalid-key', written by the listing activity itself,
 * since no batch could ever read them. Idempotent across reconciliation passes.
 */
import {
  ACKNOWLEDGED_QUARANTINE_PREFIX,
  QUARANTINE_PREFIX,
  quarantineKeyOf,
  type QuarantineRecord,
} from '../core/quarantine';
import { ObjectNotFoundError, type ObjectStore, type UnprocessableObject } from '../stores/object/object-store';

/** The batchId of records written by a listing: no batch met these objects. */
export const LISTING_BATCH_ID = 'listing';

/** Writes a record for each object whose content has no open or acknowledged record yet; returns how many it wrote. */
export async function quarantineListed(
  lake: ObjectStore,
  source: string,
  objects: readonly UnprocessableObject[],
  workflowId: string | undefined,
): Promise<number> {
  let written = 0;
  for (const object of objects) {
    const recordKey = quarantineKeyOf(source, object.key);
    // A reconciliation pass lists the object again: rewriting would reopen an acknowledged record.
    const acknowledgedKey = ACKNOWLEDGED_QUARANTINE_PREFIX + recordKey.slice(QUARANTINE_PREFIX.length);
    if (
      (await recordedEtag(lake, recordKey)) === object.etag ||
      (await recordedEtag(lake, acknowledgedKey)) === object.etag
    )
      continue;
    const record: QuarantineRecord = {
      source,
      key: object.key,
      etag: object.etag,
      size: object.size,
      kind: 'invalid-key',
      reason: object.reason,
      batchId: LISTING_BATCH_ID,
      ...(workflowId ? { workflowId } : {}),
      at: new Date().toISOString(),
    };
    await lake.write(recordKey, JSON.stringify(record));
    written++;
  }
  return written;
}

async function recordedEtag(lake: ObjectStore, key: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await lake.readBytes(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
  try {
    return (JSON.parse(Buffer.from(bytes).toString('utf8')) as { etag?: string }).etag;
  } catch {
    return undefined; // unreadable record: write it again
  }
}
