/** Names derived from inputs: a batch's id from its objects, so retries and repeats overwrite. */
import { createHash } from 'node:crypto';
import { replayWorkflowIdOf } from '../workflows/workflow-ids';

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

/** Where a raw object's processed-marker lives in the lake (hashed: S3 keys may be 1024 bytes). */
export function objectMarkerKey(source: string, key: string): string {
  return `ledger/objects/${createHash('sha256').update(source).update('\n').update(key).digest('hex').slice(0, 40)}.json`;
}

export function stagedKey(table: string, fingerprint: string, batchId: string): string {
  return `staged/${table}/${fingerprint}-${batchId}.parquet`;
}

/** The schema version of some tables: their output-column fingerprints, so a changed schema makes new replay batches. */
export function catalogVersionOf(types: readonly { table: string; fingerprint: string }[]): string {
  const lines = types.map((t) => `${t.table}:${t.fingerprint}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/**
 * A replay batch's id: its objects, the tables it stages and their schema version. Repeating a
 * replay under the same schema finds its batches done; after a schema change they run again.
 */
export function replayBatchIdOf(
  source: string,
  objects: readonly RawObjectRef[],
  tables: readonly string[] | undefined,
  catalogVersion: string,
): string {
  return createHash('sha256')
    .update(batchIdOf(source, objects))
    .update('\n')
    .update(tables === undefined ? '*' : [...tables].sort().join(','))
    .update('\n')
    .update(catalogVersion)
    .digest('hex')
    .slice(0, 32);
}

/**
 * A replay request's workflow id: the same environment, location, window and tables are one replay.
 * The hash is computed here (workflows cannot use node:crypto); the id's form is in workflow-ids.ts.
 */
export function replayWorkflowId(
  environment: string,
  source: string,
  from: string,
  to: string,
  tables: readonly string[] | undefined,
): string {
  const request = [
    source,
    new Date(from).toISOString(),
    new Date(to).toISOString(),
    tables === undefined ? '*' : [...tables].sort().join(','),
  ].join('\n');
  return replayWorkflowIdOf(environment, createHash('sha256').update(request).digest('hex').slice(0, 24));
}
