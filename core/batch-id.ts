/** Names derived from inputs: a batch's id from its objects, so retries and repeats overwrite. */
import { createHash } from 'node:crypto';

export interface RawObjectRef {
  /** Key relative to the raw location. */
  key: string;
  size: number;
  /** The store's entity tag, so a rewritten object (same key, new content) is a new batch. */
  etag: string;
  /**
   * When the object was created (ISO 8601), as the store or its notification says: for freshness
   * metrics and drift's first/last seen. Not part of the batch id.
   */
  modified?: string;
}

/** 32 hex digits: the same source and objects, in any order, give the same id. */
export function batchIdOf(source: string, objects: readonly RawObjectRef[]): string {
  const lines = objects.map((o) => `${o.key}\n${o.size}\n${o.etag}`).sort();
  const hash = createHash('sha256').update(source).update('\n\n');
  for (const line of lines) hash.update(line).update('\n\n');
  return hash.digest('hex').slice(0, 32);
}

/**
 * The workflow id of a batch: bounded length and free of object names or event data. The
 * environment is part of it: environments sharing a namespace have their own lakes, and a batch
 * completed for one must not answer for another.
 */
export function fileBatchWorkflowId(batchId: string, environment?: string): string {
  return environment ? `loadout-filebatch-${environment}-${batchId}` : `loadout-filebatch-${batchId}`;
}

/** Where a raw object's processed-marker lives in the lake (hashed: S3 keys may be 1024 bytes). */
export function objectMarkerKey(source: string, key: string): string {
  return `ledger/objects/${createHash('sha256').update(source).update('\n').update(key).digest('hex').slice(0, 40)}.json`;
}

export function stagedKey(table: string, fingerprint: string, batchId: string): string {
  return `staged/${table}/${fingerprint}-${batchId}.parquet`;
}
