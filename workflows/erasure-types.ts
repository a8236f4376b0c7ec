/** The erasure workflow's input and result: the player's pseudonym, keys and counts, never a clear value. */
import type { FileErasure, LakeArea } from '../core/erasure/lake-erasure';

export type { FileErasure, LakeArea };

export interface ErasureInput {
  environment: string;
  /** The player's pseudonym (core/personal/pseudonym.ts), computed by `loadout erase` from the id. */
  pseudonym: string;
  /** `--rewrite-raw`: also rewrite the raw objects under this location (a directory or s3://bucket/prefix). */
  rawSource?: string;
  /** Staged files holding the player that a running load claims: how long to wait between looks, and how many looks. */
  claimedWait?: { interval: string; looks: number };
  /** Heartbeat timeout of the activities (tests shorten it). */
  lostWorkerTimeout?: string;
}

export interface TableErasure {
  schema: string;
  table: string;
  rows: number;
}

export interface ErasureResult {
  pseudonym: string;
  /** When the erasure was first recorded in the lake (`erasures/{pseudonym}.json`). */
  recordedAt: string;
  /** Rows deleted per table, every table looked at (0 included). */
  tables: TableErasure[];
  /** Lake files rewritten, with the records each lost, and their area (the first 1000 per area: see the totals). */
  files: (FileErasure & { area: LakeArea })[];
  /** Every lake file rewritten and record removed, per area. */
  lake: Record<LakeArea, { files: number; records: number }>;
  /** Raw objects rewritten, when asked (the first 1000), and the totals. */
  raw?: { files: FileErasure[]; filesRewritten: number; recordsRemoved: number };
}
