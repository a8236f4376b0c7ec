/** The fileBatch workflow's input and result: object keys and counts only, never event data. */

import type { RawObjectRef } from '../core/batch-id';
import type { QuarantineKind } from '../core/quarantine';

export type { RawObjectRef };

export interface FileBatchInput {
  /** The raw location the keys are relative to: a directory or s3://bucket/prefix. */
  source: string;
  objects: RawObjectRef[];
  /** Replay: stage only these tables. */
  tables?: string[];
  /**
   * Set by the replay workflow: the batch reprocesses objects whatever their processed-markers say,
   * its id includes the tables and their schema version, and its reports go under replay/.
   */
  replay?: { catalogVersion: string };
  /** Environment name, for search attributes and logs. */
  environment?: string;
  /** Heartbeat timeout of the processing activity, e.g. '60s' (tests shorten it). */
  heartbeatTimeout?: string;
}

export interface StagedObject {
  table: string;
  fingerprint: string;
  key: string;
  rows: number;
  bytes: number;
}

/** An object of the batch that could not be read; its record is in the lake (core/quarantine.ts). */
export interface QuarantinedObject {
  key: string;
  kind: QuarantineKind;
  reason: string;
}

export interface FileBatchResult {
  batchId: string;
  /** Objects read by this batch; objects an earlier batch already processed are skipped, unreadable ones quarantined. */
  objects: number;
  skippedObjects: string[];
  records: number;
  valid: number;
  duplicates: number;
  rejected: number;
  /** Records of erased players, dropped (core/erasure/); absent in results of workers before erasure. */
  erased?: number;
  unknown: Record<string, number>;
  staged: StagedObject[];
  rejectsKey?: string;
  unknownKey?: string;
  /** The batch's sealed personal data (pii/staged/personal_data/...): a key, never a value. */
  personalDataKey?: string;
  /** Objects that could not be read: each recorded under quarantine/, the rest of the batch staged. */
  quarantined: QuarantinedObject[];
  /** The full run statistics, drift examples included, as a JSON object in the lake. */
  reportKey: string;
  /** Wall time of the processing activity (the successful attempt), for `loadout run`'s timings. */
  seconds: number;
}
