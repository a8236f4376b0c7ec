/**
 * Quarantine: a raw object that cannot be read at all is recorded in the lake instead of failing
 * its batch. The record names the object and the reason; the rest of the batch is staged.
 */
import { createHash } from 'node:crypto';

/** Why an object could not be read. Input faults all: no retry changes the answer. */
export type QuarantineKind =
  | 'corrupt-compression' // gzip whose header, data or checksum is broken (truncated uploads too)
  | 'unsupported-compression' // zstd, bzip2, xz, zip, ... recognised by magic bytes
  | 'not-text' // not UTF-8 text as a whole (binary, UTF-16): most lines would be rejects
  | 'missing' // listed or notified, gone when read
  | 'unreadable' // the store refuses it for good (access denied, archived), or the core failed on a line of it
  | 'invalid-key'; // a key the object store cannot address

export interface QuarantineRecord {
  /** The raw location: a directory or s3://bucket/prefix. */
  source: string;
  key: string;
  etag: string;
  size: number;
  kind: QuarantineKind;
  /** One line that names the object and says what is wrong with it. */
  reason: string;
  /** The batch that met the object, and its workflow when known. */
  batchId: string;
  workflowId?: string;
  /** When the object was quarantined (ISO 8601). */
  at: string;
}

/** Open quarantine records; a record is removed when a later batch processes the same key. */
export const QUARANTINE_PREFIX = 'quarantine/';
/** Records a person acknowledged (`loadout status ack`): kept for history, no longer outstanding. */
export const ACKNOWLEDGED_QUARANTINE_PREFIX = 'quarantine-acknowledged/';

/** One record per raw object (source and key): a retry overwrites it, a fixed object's batch removes it. */
export function quarantineKeyOf(source: string, key: string): string {
  return `${QUARANTINE_PREFIX}${createHash('sha256').update(source).update('\n').update(key).digest('hex').slice(0, 40)}.json`;
}
