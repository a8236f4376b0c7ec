/** What a batch gives back: its staged table files, rejects and unknown records, statistics, drift. */
import type { AttributeVariation } from './attribute-variations';
import type { UnreadableKind } from './errors';
import type { RunStats } from './run-stats';
import type { ColumnType } from '../schemas/column-types';

export interface StagedTableFile {
  table: string;
  fingerprint: string;
  rows: number;
  path: string;
  bytes: number;
  /** Set when the file's columns are not its event type's (evolved columns): what the loader must know. */
  columns?: StagedColumn[];
  /** Set for the table of an event tag no schema declares (under `infer`): that tag. */
  inferredFrom?: string;
}

/** A staged file's column, and for an evolved one the attribute path it holds (`stats.crit`). */
export interface StagedColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  attribute?: string;
  /** An evolved string column whose every value was a uuid (lower-cased as staged): `schema export` declares it uuid(). */
  uuid?: true;
  /** An evolved string column some of whose values were not strings (staged as their JSON text). */
  mixed?: true;
}

/**
 * An object the batch could not read. `tainted`: some of its lines were taken before the fault
 * showed (a gzip cut short, a binary file past its first lines), so the batch's state holds part
 * of it and the batch must be processed again without it; false when nothing of it was taken.
 */
export interface UnreadableObject {
  kind: UnreadableKind | 'processing-error';
  reason: string;
  tainted: boolean;
}

export interface BatchOutput {
  tables: StagedTableFile[];
  /** JSON lines `{source, line, index, reason, event?, field?, record}`; absent when none. */
  rejectsPath?: string;
  /** The unknown records verbatim, one per line: itself a raw object, replayable once a schema exists. */
  unknownPath?: string;
  stats: RunStats;
  /** Attribute variations per event type, unknown ones included: the batch's part of the drift registry. */
  variations: AttributeVariation[];
  /** The sealed clear values of the batch's personal data (core/personal/personal-data-file.ts); absent when none. */
  personalData?: { path: string; rows: number; bytes: number };
  /** `loadout_rejects` and `loadout_unknown` files (core/side-tables.ts), when the batch was given its lineage. */
  sideTables?: StagedTableFile[];
}
