/**
 * A batch's rejects and unknown events as tables (`loadout_rejects`, `loadout_unknown`), staged
 * like event tables (`staged/{table}/{fingerprint}-{batch}.parquet`, `_loadout_batch` last) and
 * loaded beside `loadout_ledger` by the same loads. The JSONL files in the lake stay as they are;
 * these are their queryable copies (docs/lineage.md).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineEvent, type EventType } from '../schemas/define-event';
import { boolean, integer, jsonText, string } from '../schemas/fields';
import type { Catalog } from '../schemas/catalog';
import { ParquetStageWriter } from './parquet-stage-writer';
import type { StagedTableFile } from './batch-output';

export const REJECTS_TABLE = 'loadout_rejects';
export const UNKNOWN_TABLE = 'loadout_unknown';

/**
 * Redshift's VARCHAR holds at most 65,535 bytes: a longer record keeps its first 65,535 bytes (whole
 * characters) and `record_truncated` says so; the lake's JSONL file keeps it whole.
 */
export const MAX_RECORD_BYTES = 65_535;
/** Other text columns are VARCHAR(1024) on Redshift: reasons, tags and names are cut to it. */
export const MAX_TEXT_BYTES = 1024;

/**
 * Where a record was: the raw location, the object key, the line and the record's index in its
 * line (concatenated records). The unique key: a redelivered or replayed batch writes the same
 * rows again and the merge replaces them (the row then names the latest batch), never doubles them.
 */
const PLACE = {
  source: string({ max: MAX_TEXT_BYTES }),
  key: string({ max: MAX_TEXT_BYTES }),
  line: integer(),
  record_index: integer(),
};
export const SIDE_TABLE_KEY: readonly string[] = ['source', 'key', 'line', 'record_index'];
const PLACE_KEY = [...SIDE_TABLE_KEY];
/** The column holding the record text in both tables. */
export const SIDE_TABLE_RECORD_COLUMN = 'record';

/** Column `record` holds the record text in both tables (erasure finds a player's records there). */
const RECORD = {
  record: jsonText(z.unknown()),
  record_truncated: boolean(),
};

export const REJECTS_TYPE: EventType = defineEvent({
  tag: REJECTS_TABLE,
  uniqueKey: PLACE_KEY,
  fields: {
    ...PLACE,
    table_name: string({ max: MAX_TEXT_BYTES }).optional(),
    event: string({ max: MAX_TEXT_BYTES }).optional(),
    field: string({ max: MAX_TEXT_BYTES }).optional(),
    reason: string({ max: MAX_TEXT_BYTES }),
    ...RECORD,
  },
});

export const UNKNOWN_TYPE: EventType = defineEvent({
  tag: UNKNOWN_TABLE,
  uniqueKey: PLACE_KEY,
  fields: { ...PLACE, event: string({ max: MAX_TEXT_BYTES }).optional(), ...RECORD },
});

export const SIDE_TABLE_TYPES: readonly EventType[] = [REJECTS_TYPE, UNKNOWN_TYPE];

/** A record where the core found it (the shape of its rejections: core/rejection-queue.ts). */
export interface RecordPlace {
  /** The object key within the raw location. */
  source: string;
  line: number;
  index: number;
  text: string;
}

/** A rejected record with its reason. */
export interface RejectedRecord extends RecordPlace {
  reason: string;
  event?: string;
  field?: string;
}

/** Writes the two tables' Parquet files of one batch as records are rejected or found unknown. */
export class SideTablesWriter {
  private readonly writer: ParquetStageWriter;

  constructor(
    private readonly catalog: Catalog,
    /** The batch's raw location (a directory or s3://bucket/prefix). */
    private readonly source: string,
    workDir: string,
    batchId: string,
    /** Personal values out of the record text (core/personal/scrub-record-text.ts). */
    private readonly scrub: (text: string) => string = (text) => text,
  ) {
    this.writer = ParquetStageWriter.open(SIDE_TABLE_TYPES, { workDir: join(workDir, 'side-tables'), batchId });
    this.personalFields = new Set(
      catalog.eventTypes.flatMap((t) => t.personal.map((p) => t.columns[p.column]!.path[0]!)),
    );
  }

  private readonly personalFields: ReadonlySet<string>;

  reject(place: RejectedRecord): void {
    const { event, field } = place;
    // A personal field's reason quotes its rejected value: kept out of the analysts' table too.
    const reason =
      field !== undefined && this.personalFields.has(field.split('.')[0]!)
        ? place.reason.replace(/ \(got [\s\S]*\)$/, ' (got [personal])')
        : place.reason;
    const [record, truncated] = cutUtf8(this.scrub(place.text), MAX_RECORD_BYTES);
    const table = event === undefined ? undefined : this.catalog.eventType(event)?.table;
    this.writer.push(REJECTS_TABLE, [
      ...this.placeValues(place),
      table ?? null,
      event === undefined ? null : cutUtf8(event, MAX_TEXT_BYTES)[0],
      field === undefined || field === '' ? null : cutUtf8(field, MAX_TEXT_BYTES)[0],
      cutUtf8(reason, MAX_TEXT_BYTES)[0],
      record,
      truncated,
    ]);
  }

  unknown(place: RecordPlace, tag: string | undefined): void {
    const [record, truncated] = cutUtf8(this.scrub(place.text), MAX_RECORD_BYTES);
    this.writer.push(UNKNOWN_TABLE, [
      ...this.placeValues(place),
      tag === undefined ? null : cutUtf8(tag, MAX_TEXT_BYTES)[0],
      record,
      truncated,
    ]);
  }

  /** The tables' files, for the tables that got rows. */
  finish(dir: string): StagedTableFile[] {
    const written = this.writer.finish(join(dir, 'side-tables'));
    return SIDE_TABLE_TYPES.flatMap((type) => {
      const file = written.get(type.table);
      return file === undefined
        ? []
        : [{ table: type.table, fingerprint: type.fingerprint, ...file, bytes: statSync(file.path).size }];
    });
  }

  private placeValues(place: RecordPlace): unknown[] {
    return [cutUtf8(this.source, MAX_TEXT_BYTES)[0], cutUtf8(place.source, MAX_TEXT_BYTES)[0], place.line, place.index];
  }
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends on a whole character; and whether it was cut. */
export function cutUtf8(text: string, maxBytes: number): [string, boolean] {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no encoding.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return [text, false];
  const bytes = Buffer.from(text);
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) to the start of the character the limit cuts through.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return [bytes.toString('utf8', 0, end), true];
}
