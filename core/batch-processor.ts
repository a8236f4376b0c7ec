/**
 * Processes a batch of raw objects into one Parquet file per table, plus rejects and unknown
 * records: split, route, validate, drop in-batch duplicates, transform, buffer, write.
 */
import type { Readable } from 'node:stream';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';
import { classifyQuickly, explainRefused } from './classify-record';
import { LineHandlingError, UnreadableObjectError, type UnreadableKind } from './errors';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './nesting-depth';
import { VariationTracker, type AttributeVariation } from './attribute-variations';
import { FlatJsonLine } from './flat-json-line';
import { FlatRecordReader } from './flat-record-reader';
import { LineFile } from './line-file';
import { keySetFor, type KeySet } from './key-set';
import { DEFAULT_MAX_LINE, readLineBytes, type LineStats } from './read-line-bytes';
import { emptyStats, increment, type DriftObservation, type RunStats } from './run-stats';
import { splitRecords, type RecordSink } from './split-records';
import { ParquetStageWriter } from './parquet-stage-writer';
import { PersonalData, type PersonalDataKeys } from './personal/personal-data';
import { writePersonalDataFile } from './personal/personal-data-file';
import { exampleRedactor } from './personal/redact-example';

export interface BatchProcessorOptions {
  catalog: Catalog;
  /** Local directory for the outputs; created if missing. */
  workDir: string;
  /** Replay can limit the output to some tables; other events are counted as skipped. */
  tables?: readonly string[];
  rowGroupSize?: number;
  /**
   * Default true: flat records of flat event types are read straight from the decompressed bytes
   * (FlatJsonLine, FlatRecordReader) and only the others are parsed. False sends every line
   * through the string path: the reference the fast lane is tested against, with the same output.
   */
  fastLane?: boolean;
  /**
   * Keys of the personal data (given as bytes: the core reads no key file): personal values are
   * pseudonymised with the one and their clear values sealed with the other (core/personal/).
   */
  personal: PersonalDataKeys;
}

export interface StagedTableFile {
  table: string;
  fingerprint: string;
  rows: number;
  path: string;
  bytes: number;
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

/**
 * An object is not text as a whole, and is quarantined rather than rejected line by line, when
 * more than half its lines are not UTF-8 or hold NUL bytes (binary data, UTF-16 without a mark).
 * Past this many such lines, that is decided without reading the rest.
 */
const NOT_TEXT_EARLY_LINES = 1000;

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
}

/** A rejection waiting in BatchProcessor's queue: with its reason, or refused by the fast checks and not yet explained. */
type QueuedRejection = { text: string; source: string; line: number; index: number } & (
  | { reasonKey: string; reason: string; event?: string; field?: string; refused?: undefined }
  | { refused: EventType; record: Record<string, unknown> }
);

/**
 * Refused records explained in a row: zod's code runs cold when one rejection comes every hundred
 * records, and explaining them in batches measured about a tenth of the cost each (docs/benchmarks.md).
 * The queue holds texts and parsed records that may be slices of decoded lines, hence a small bound.
 */
const EXPLAIN_BATCH = 256;

interface TableState {
  type: EventType;
  keys: KeySet;
}

export class BatchProcessor {
  private readonly stats = emptyStats();
  private readonly tables = new Map<string, TableState>();
  private readonly tableFilter: ReadonlySet<string> | undefined;
  private readonly variations: VariationTracker;
  private seenAt = '';
  private rejects: LineFile | undefined;
  private unknown: LineFile | undefined;
  private writer: ParquetStageWriter | undefined;
  private finished = false;
  /** Rejections in the order of their records, while any waits for its reason. */
  private readonly queuedRejections: QueuedRejection[] = [];
  private readonly flatLine = new FlatJsonLine();
  private readonly flatReader: FlatRecordReader | undefined;
  private readonly personal: PersonalData;

  constructor(private readonly options: BatchProcessorOptions) {
    mkdirSync(options.workDir, { recursive: true });
    this.personal = new PersonalData(options.personal);
    this.variations = new VariationTracker(
      (tag) => options.catalog.eventType(tag)?.declared,
      undefined,
      exampleRedactor(options.catalog),
    );
    this.flatReader = options.fastLane === false ? undefined : new FlatRecordReader(options.catalog);
    if (options.tables !== undefined) {
      for (const t of options.tables) {
        if (options.catalog.table(t) === undefined) throw new Error(`unknown table in the table list: ${t}`);
      }
      this.tableFilter = new Set(options.tables);
    }
  }

  /**
   * Streams one raw object through the batch. An object that cannot be read (corrupt gzip, another
   * format, not text, a line the core fails on) is returned, never thrown: it is the caller's to
   * quarantine. Errors of the input stream itself (the store, the network) are thrown.
   * `seenAt` (ISO 8601) is the object's time (see core/object-time.ts), for the drift registry's first/last seen.
   */
  async processObject(
    source: string,
    input: Readable,
    onChunk?: (s: LineStats) => void | Promise<void>,
    seenAt?: string,
  ): Promise<UnreadableObject | undefined> {
    if (this.finished) throw new Error('batch already finished');
    const recordsBefore = this.stats.records;
    try {
      await this.readObject(source, input, onChunk, seenAt);
      return undefined;
    } catch (error) {
      const tainted = this.stats.records !== recordsBefore;
      if (error instanceof UnreadableObjectError) return { kind: error.kind, reason: error.reason, tainted };
      if (error instanceof LineHandlingError) return { kind: 'processing-error', reason: error.message, tainted };
      throw error;
    }
  }

  private async readObject(
    source: string,
    input: Readable,
    onChunk: ((s: LineStats) => void | Promise<void>) | undefined,
    seenAt: string | undefined,
  ): Promise<void> {
    this.seenAt = seenAt ?? new Date().toISOString();
    this.writer ??= ParquetStageWriter.open(this.options.catalog.eventTypes, {
      workDir: this.options.workDir,
      rowGroupSize: this.options.rowGroupSize,
    });
    let lineNumber = 0;
    let records = 0;
    let notText = 0;
    const recordsBefore = this.stats.records;
    const sink: RecordSink = {
      record: (value, text, index) => this.acceptRecord(value, text, source, lineNumber, index),
      malformed: (reason, text, index) => {
        this.stats.records++;
        this.reject(
          `record: ${reason.startsWith('invalid JSON') ? 'invalid JSON' : reason.split(':')[0]!}`,
          reason,
          text,
          source,
          lineNumber,
          index,
        );
      },
    };
    const lineStats = await readLineBytes(
      source,
      input,
      (bytes, start, end, n) => {
        lineNumber = n;
        // Anything the core throws on a line is a fault in data a check missed: never retried.
        try {
          if (this.flatReader === undefined || !this.flatLine.tokenize(bytes, start, end))
            splitRecords(bytes.toString('utf8', start, end), sink);
          else this.acceptFlatLine(bytes, start, end, source, n);
        } catch (error) {
          throw new LineHandlingError(source, n, error);
        }
      },
      {
        // The rejects and unknown files are not flushed per chunk (one append each per chunk took
        // 0.12 s of the bench's profile): their lines are fresh strings (JSON.stringify, or copied),
        // holding no decoded line or chunk, so LineFile's 1 MB buffer bounds their memory.
        onChunk,
        onOverlong: (n, length, head) => {
          this.stats.records++;
          this.reject(
            'record: line too long',
            `line of ${length} bytes exceeds the ${DEFAULT_MAX_LINE / 1024 / 1024} MiB limit: a producer writing records without line breaks? The record starts as shown`,
            head,
            source,
            n,
            0,
          );
        },
        onInvalidLine: (n, reason, head) => {
          this.stats.records++;
          records = this.stats.records - recordsBefore;
          if (++notText >= NOT_TEXT_EARLY_LINES && notText * 2 > records) throw notTextError(source, notText, records);
          this.reject(
            reason.startsWith('a NUL') ? 'record: NUL byte' : 'record: not UTF-8',
            `line ${n}: ${reason}`,
            head,
            source,
            n,
            0,
          );
        },
      },
    );
    records = this.stats.records - recordsBefore;
    if (notText > 0 && notText * 2 > records) throw notTextError(source, notText, records);
    this.flushRejections();
    this.stats.objects++;
    this.stats.bytesIn += lineStats.bytesIn;
    this.stats.bytesDecoded += lineStats.bytesDecoded;
    this.stats.lines += lineStats.lines;
  }

  /**
   * A line FlatJsonLine tokenized: each record the fast lane can read is staged from the bytes,
   * the others are parsed and take the string path, with the text and index splitRecords gives.
   */
  private acceptFlatLine(bytes: Buffer, start: number, end: number, source: string, line: number): void {
    const flat = this.flatLine;
    const records = flat.records;
    for (let r = 0; r < records; r++) {
      let textStart = flat.spans[r * 4]!,
        textEnd = flat.spans[r * 4 + 1]!;
      // splitRecords takes a one-record line whole, spaces around included, unless it holds `}{` (then it cuts at braces).
      if (records === 1 && (textStart !== start || textEnd !== end) && !holdsBraces(bytes, start, end)) {
        textStart = start;
        textEnd = end;
      }
      if (this.acceptFlatRecord(bytes, r, textStart, textEnd, source, line)) continue;
      const text = bytes.toString('utf8', textStart, textEnd);
      this.acceptRecord(JSON.parse(text), text, source, line, r);
    }
  }

  /** False, having changed nothing, when the record must take the string path. */
  private acceptFlatRecord(
    bytes: Buffer,
    record: number,
    textStart: number,
    textEnd: number,
    source: string,
    line: number,
  ): boolean {
    const reader = this.flatReader!;
    const plan = reader.route(bytes, this.flatLine, record);
    if (plan === undefined) return false;
    const type = plan.type;
    if (this.tableFilter !== undefined && !this.tableFilter.has(type.table)) {
      this.stats.records++;
      this.stats.skipped++;
      return true;
    }
    if (!reader.read(bytes, this.flatLine, record, plan)) return false;
    this.stats.records++;
    this.variations.observeFlat(
      type.tag,
      reader.keyNames,
      reader.keyCount,
      bytes,
      textStart,
      textEnd,
      source,
      line,
      this.seenAt,
    );
    this.stats.valid++;
    const state = this.tables.get(type.table) ?? this.openTable(type);
    if (!state.keys.addBytes!(bytes, reader.keyAt)) {
      this.stats.duplicates++;
      return true;
    }
    if (type.personal.length > 0)
      this.personal.applyScanned(type.personal, bytes, reader.values, reader.starts, reader.ends, this.seenAt);
    this.writer!.pushScanned(type.table, bytes, reader.values, reader.starts, reader.ends);
    return true;
  }

  private acceptRecord(value: unknown, text: string, source: string, line: number, index: number): void {
    this.stats.records++;
    if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) {
      this.reject(
        'record: nested too deep',
        `nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays, the limit`,
        text,
        source,
        line,
        index,
      );
      return;
    }
    if (this.tableFilter !== undefined && this.outsideFilter(value)) {
      this.stats.skipped++;
      return;
    }
    const verdict = classifyQuickly(this.options.catalog, value);
    if (verdict.kind === 'refused') {
      this.variations.observe(verdict.type.tag, value as Record<string, unknown>, text, source, line, this.seenAt);
      this.queuedRejections.push({
        refused: verdict.type,
        record: value as Record<string, unknown>,
        text,
        source,
        line,
        index,
      });
      if (this.queuedRejections.length >= EXPLAIN_BATCH) this.flushRejections();
      return;
    }
    if (verdict.kind === 'unknown') {
      increment(this.stats.unknown, verdict.tag);
      if (typeof value === 'object' && value !== null)
        this.variations.observe(verdict.tag, value as Record<string, unknown>, text, source, line, this.seenAt);
      // A copy: the text can be a slice of its whole line, which the 1 MB buffer would keep alive.
      (this.unknown ??= new LineFile(join(this.options.workDir, 'unknown.jsonl'))).appendLine(
        Buffer.from(text).toString(),
      );
      return;
    }
    if (verdict.kind === 'rejected') {
      this.reject(verdict.reasonKey, verdict.reason, text, source, line, index, verdict.event, verdict.field);
      if (verdict.event !== undefined)
        this.variations.observe(verdict.event, value as Record<string, unknown>, text, source, line, this.seenAt);
      return;
    }
    const { type, row } = verdict;
    this.variations.observe(type.tag, value as Record<string, unknown>, text, source, line, this.seenAt);
    this.stage(type, row);
  }

  private stage(type: EventType, row: unknown[]): void {
    this.stats.valid++;
    const state = this.tables.get(type.table) ?? this.openTable(type);
    if (!state.keys.add(row)) {
      this.stats.duplicates++;
      return;
    }
    if (type.personal.length > 0) this.personal.apply(type.personal, row, this.seenAt);
    this.writer!.push(type.table, row);
  }

  /**
   * Writes the queued rejections in their order, explaining the refused ones with zod. Zod is the
   * rule: where it finds a refused record valid (the fast checks and zod disagree, which
   * test/schemas/fast-check.test.ts rules out for the shipped builders), the record is staged now.
   */
  private flushRejections(): void {
    const queue = this.queuedRejections;
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i]!;
      if (q.refused === undefined) {
        this.writeRejection(q.reasonKey, q.reason, q.text, q.source, q.line, q.index, q.event, q.field);
        continue;
      }
      const verdict = explainRefused(q.refused, q.record);
      if (verdict.kind === 'rejected')
        this.writeRejection(
          verdict.reasonKey,
          verdict.reason,
          q.text,
          q.source,
          q.line,
          q.index,
          verdict.event,
          verdict.field,
        );
      else if (verdict.kind === 'valid') this.stage(verdict.type, verdict.row);
    }
    queue.length = 0;
  }

  /** A record of a known event type whose table the replay did not ask for, valid or not. */
  private outsideFilter(value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const tag = (value as Record<string, unknown>).event;
    const type = typeof tag === 'string' ? this.options.catalog.eventType(tag) : undefined;
    return type !== undefined && !this.tableFilter!.has(type.table);
  }

  private openTable(type: EventType): TableState {
    const keyIndexes = type.uniqueKey.map((k) => type.columns.findIndex((c) => c.path.length === 1 && c.path[0] === k));
    const state: TableState = { type, keys: keySetFor(keyIndexes, type.keyIsUuid) };
    this.tables.set(type.table, state);
    return state;
  }

  private reject(
    reasonKey: string,
    reason: string,
    text: string,
    source: string,
    line: number,
    index: number,
    event?: string,
    field?: string,
  ): void {
    if (this.queuedRejections.length > 0)
      this.queuedRejections.push({ reasonKey, reason, text, source, line, index, event, field });
    else this.writeRejection(reasonKey, reason, text, source, line, index, event, field);
  }

  private writeRejection(
    reasonKey: string,
    reason: string,
    text: string,
    source: string,
    line: number,
    index: number,
    event?: string,
    field?: string,
  ): void {
    this.stats.rejected++;
    increment(this.stats.rejectedByReason, reasonKey);
    this.rejects ??= new LineFile(join(this.options.workDir, 'rejects.jsonl'));
    this.rejects.appendLine(JSON.stringify({ source, line, index, reason, event, field, record: text }));
  }

  /** Writes the Parquet files and closes every file; the batch cannot take more objects afterwards. */
  async finish(): Promise<BatchOutput> {
    this.finished = true;
    this.flushRejections();
    const written = this.writer
      ? this.writer.finish(this.options.workDir)
      : new Map<string, { path: string; rows: number }>();
    const tables: StagedTableFile[] = [];
    for (const table of [...this.tables.keys()].sort()) {
      const file = written.get(table);
      this.stats.events[table] = file?.rows ?? 0;
      if (file)
        tables.push({
          table,
          fingerprint: this.tables.get(table)!.type.fingerprint,
          rows: file.rows,
          path: file.path,
          bytes: statSync(file.path).size,
        });
    }
    this.rejects?.flush();
    this.unknown?.flush();
    const personal = writePersonalDataFile(this.personal, this.options.workDir);
    const personalData = personal && { ...personal, bytes: statSync(personal.path).size };
    const variations = this.variations.variations();
    this.stats.drift = driftOf(variations);
    return {
      tables,
      rejectsPath: this.rejects?.path,
      unknownPath: this.unknown?.path,
      stats: this.stats,
      variations,
      personalData,
    };
  }
}

function notTextError(source: string, notText: number, records: number): UnreadableObjectError {
  return new UnreadableObjectError(
    source,
    `not UTF-8 text: ${notText} of its first ${records} lines are not UTF-8 or hold NUL bytes`,
    'not-text',
  );
}

const BRACES = Buffer.from('}{');

function holdsBraces(bytes: Buffer, start: number, end: number): boolean {
  const at = bytes.indexOf(BRACES, start);
  return at >= 0 && at + 1 < end;
}

/** Per undeclared attribute of a known event type: records carrying it, and the first example. */
function driftOf(variations: readonly AttributeVariation[]): DriftObservation[] {
  const byAttribute = new Map<string, DriftObservation>();
  for (const v of variations) {
    if (!v.known) continue;
    for (const attribute of v.undeclared) {
      const id = `${v.event}\u0001${attribute}`;
      const seen = byAttribute.get(id);
      if (seen) seen.count += v.count;
      else
        byAttribute.set(id, {
          event: v.event,
          attribute,
          count: v.count,
          example: v.example,
          source: v.source,
          line: v.line,
        });
    }
  }
  return [...byAttribute.values()];
}
