/**
 * Processes a batch of raw objects into one Parquet file per table, plus rejects and unknown
 * records: split, route, validate, drop in-batch duplicates, transform, buffer, write.
 */
import type { Readable } from 'node:stream';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';
import { classifyQuickly } from './classify-record';
import { LineHandlingError, UnreadableObjectError, notTextError } from './errors';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './nesting-depth';
import { VariationTracker, driftOf } from './attribute-variations';
import type { BatchOutput, StagedTableFile, UnreadableObject } from './batch-output';
import { RejectionQueue } from './rejection-queue';
import { FlatJsonLine } from './flat-json-line';
import { FlatRecordReader } from './flat-record-reader';
import { LineFile } from './line-file';
import { keySetFor, type KeySet } from './key-set';
import { DEFAULT_MAX_LINE, readLineBytes, type LineStats } from './read-line-bytes';
import { emptyStats, increment } from './run-stats';
import { splitRecords, type RecordSink } from './split-records';
import { ParquetStageWriter } from './parquet-stage-writer';
import { PersonalData, type PersonalDataKeys } from './personal/personal-data';
import { writePersonalDataFile } from './personal/personal-data-file';
import { exampleRedactor } from './personal/redact-example';
import { ErasedRecords } from './erasure/erased-records';
import type { EvolvedColumns } from './evolution/evolved-columns';
import { evolvedColumnsFor, hasUndeclaredKey, stagedFilesOf } from './evolution/evolved-batch';
import { InferredTypes, inferredKeyOf } from './evolution/inferred-type';
import { SideTablesWriter } from './side-tables';
import { recordTextScrubber } from './personal/scrub-record-text';

// The processor's output types live in batch-output.ts; importers of the processor find them here too.
export type { BatchOutput, StagedTableFile, UnreadableObject } from './batch-output';

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
  /** Pseudonyms of erased players (core/erasure/): their records, valid or not, are dropped as `erased`. */
  erased?: ReadonlySet<string>;
  /**
   * The batch's id and raw location: when given, staged files carry `_loadout_batch` and the
   * rejects and unknown records are also written as tables (core/side-tables.ts, docs/lineage.md).
   */
  lineage?: { batchId: string; source: string };
}

/**
 * An object is not text as a whole, and is quarantined rather than rejected line by line, when
 * more than half its lines are not UTF-8 or hold NUL bytes (binary data, UTF-16 without a mark).
 * Past this many such lines, that is decided without reading the rest.
 */
const NOT_TEXT_EARLY_LINES = 1000;

interface TableState {
  type: EventType;
  keys: KeySet;
  /** Under `evolve`: the batch's extra columns of the table (core/evolution/). */
  evolved?: EvolvedColumns;
}

export class BatchProcessor {
  private readonly stats = emptyStats();
  private readonly tables = new Map<string, TableState>();
  private readonly tableFilter: ReadonlySet<string> | undefined;
  private readonly variations: VariationTracker;
  private seenAt = '';
  private unknown: LineFile | undefined;
  private writer: ParquetStageWriter | undefined;
  private finished = false;
  private readonly rejections: RejectionQueue;
  private readonly flatLine = new FlatJsonLine();
  private readonly flatReader: FlatRecordReader | undefined;
  private readonly personal: PersonalData;
  private readonly erasure: ErasedRecords | undefined;
  private readonly inferred: InferredTypes;
  private readonly sideTables: SideTablesWriter | undefined;

  constructor(private readonly options: BatchProcessorOptions) {
    mkdirSync(options.workDir, { recursive: true });
    this.personal = new PersonalData(options.personal);
    if (options.erased !== undefined && options.erased.size > 0)
      this.erasure = new ErasedRecords(options.catalog, this.personal, options.erased);
    this.inferred = new InferredTypes(options.catalog);
    const { lineage } = options;
    const sides =
      lineage &&
      new SideTablesWriter(
        options.catalog,
        lineage.source,
        options.workDir,
        lineage.batchId,
        recordTextScrubber(options.catalog, options.personal.pseudonymKey),
      );
    this.sideTables = sides;
    this.rejections = new RejectionQueue(
      join(options.workDir, 'rejects.jsonl'),
      this.stats,
      (type, row) => this.stage(type, row),
      sides && ((r) => sides.reject(r)),
    );
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
      batchId: this.options.lineage?.batchId,
    });
    let lineNumber = 0;
    let records = 0;
    let notText = 0;
    const recordsBefore = this.stats.records;
    const sink: RecordSink = {
      record: (value, text, index) => this.acceptRecord(value, text, source, lineNumber, index),
      malformed: (reason, text, index) => {
        this.stats.records++;
        if (this.erasedIf(this.erasure?.text(text))) return;
        this.rejections.reject({
          reasonKey: `record: ${reason.startsWith('invalid JSON') ? 'invalid JSON' : reason.split(':')[0]!}`,
          reason,
          text,
          source,
          line: lineNumber,
          index,
        });
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
          if (this.erasedIf(this.erasure?.text(head))) return;
          this.rejections.reject({
            reasonKey: 'record: line too long',
            reason: `line of ${length} bytes exceeds the ${DEFAULT_MAX_LINE / 1024 / 1024} MiB limit: a producer writing records without line breaks? The record starts as shown`,
            text: head,
            source,
            line: n,
            index: 0,
          });
        },
        onInvalidLine: (n, reason, head) => {
          this.stats.records++;
          records = this.stats.records - recordsBefore;
          if (++notText >= NOT_TEXT_EARLY_LINES && notText * 2 > records) throw notTextError(source, notText, records);
          this.rejections.reject({
            reasonKey: reason.startsWith('a NUL') ? 'record: NUL byte' : 'record: not UTF-8',
            reason: `line ${n}: ${reason}`,
            text: head,
            source,
            line: n,
            index: 0,
          });
        },
      },
    );
    records = this.stats.records - recordsBefore;
    if (notText > 0 && notText * 2 > records) throw notTextError(source, notText, records);
    this.rejections.flush();
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
    // Evolved columns are filled on the string path: records with undeclared keys, all of a table once it has some.
    const state = this.tables.get(type.table) ?? this.openTable(type);
    const evolved = state.evolved;
    if (evolved !== undefined && (evolved.hasExtras || hasUndeclaredKey(type, reader.keyNames, reader.keyCount)))
      return false;
    this.stats.records++;
    if (this.erasedIf(this.erasure?.scanned(type, bytes, reader.values, reader.starts, reader.ends))) return true;
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
    // Before classifying: an erased player's record is dropped whatever it is, and never kept in rejects/ or unknown/.
    if (this.erasedIf(this.erasure?.record(value))) return;
    if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) {
      this.rejections.reject({
        reasonKey: 'record: nested too deep',
        reason: `nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays, the limit`,
        text,
        source,
        line,
        index,
      });
      return;
    }
    if (this.tableFilter !== undefined && this.outsideFilter(value)) {
      this.stats.skipped++;
      return;
    }
    const verdict = classifyQuickly(this.options.catalog, value);
    if (verdict.kind === 'refused') {
      this.variations.observe(verdict.type.tag, value as Record<string, unknown>, text, source, line, this.seenAt);
      this.rejections.refused(verdict.type, value as Record<string, unknown>, text, source, line, index);
      return;
    }
    if (verdict.kind === 'unknown') {
      if (typeof value === 'object' && value !== null)
        this.variations.observe(verdict.tag, value as Record<string, unknown>, text, source, line, this.seenAt);
      if (this.options.catalog.infersUnknownTypes && this.stageInferred(verdict.tag, value as Record<string, unknown>))
        return;
      increment(this.stats.unknown, verdict.tag);
      // A copy: the text can be a slice of its whole line, which the 1 MB buffer would keep alive.
      (this.unknown ??= new LineFile(join(this.options.workDir, 'unknown.jsonl'))).appendLine(
        Buffer.from(text).toString(),
      );
      this.sideTables?.unknown({ source, line, index, text }, verdict.tag);
      return;
    }
    if (verdict.kind === 'rejected') {
      this.rejections.reject({ ...verdict, text, source, line, index });
      if (verdict.event !== undefined)
        this.variations.observe(verdict.event, value as Record<string, unknown>, text, source, line, this.seenAt);
      return;
    }
    const { type, row } = verdict;
    this.variations.observe(type.tag, value as Record<string, unknown>, text, source, line, this.seenAt);
    this.stage(type, row, value as Record<string, unknown>);
  }

  /** Counts an erased player's record, dropped. */
  private erasedIf(erased: boolean | undefined): boolean {
    if (erased === true) this.stats.erased++;
    return erased === true;
  }

  /** `record`: the parsed record, whose undeclared attributes an evolving table stages as extra columns. */
  private stage(type: EventType, row: unknown[], record?: Record<string, unknown>): void {
    this.stats.valid++;
    const state = this.tables.get(type.table) ?? this.openTable(type);
    if (!state.keys.add(row)) {
      this.stats.duplicates++;
      return;
    }
    if (type.personal.length > 0) this.personal.apply(type.personal, row, this.seenAt);
    if (state.evolved === undefined) this.writer!.push(type.table, row);
    else state.evolved.write(this.writer!, row, record);
  }

  /** Under `infer`, a record of an undeclared tag into its table (core/evolution/); false when a replay's list leaves it out. */
  private stageInferred(tag: string, record: Record<string, unknown>): boolean {
    const type = this.inferred.typeOf(tag);
    if (this.tableFilter !== undefined && !this.tableFilter.has(type.table)) return false;
    this.stage(type, [inferredKeyOf(record)], record);
    return true;
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
    state.evolved = evolvedColumnsFor(this.options.catalog, type);
    this.tables.set(type.table, state);
    return state;
  }

  /** Writes the Parquet files and closes every file; the batch cannot take more objects afterwards. */
  async finish(): Promise<BatchOutput> {
    this.finished = true;
    this.rejections.flush();
    const parts = this.writer ? this.writer.finishParts(this.options.workDir) : [];
    const tables: StagedTableFile[] = [];
    for (const table of [...this.tables.keys()].sort()) {
      const files = stagedFilesOf(this.tables.get(table)!.type, parts);
      this.stats.events[table] = files.reduce((n, f) => n + f.rows, 0);
      for (const file of files) tables.push({ ...file, bytes: statSync(file.path).size });
    }
    const rejectsPath = this.rejections.close();
    this.unknown?.flush();
    const personal = writePersonalDataFile(this.personal, this.options.workDir);
    const personalData = personal && { ...personal, bytes: statSync(personal.path).size };
    const sideTables = this.sideTables?.finish(this.options.workDir) ?? [];
    const variations = this.variations.variations();
    this.stats.drift = driftOf(variations);
    return {
      tables,
      rejectsPath,
      unknownPath: this.unknown?.path,
      stats: this.stats,
      variations,
      personalData,
      sideTables,
    };
  }
}

const BRACES = Buffer.from('}{');

function holdsBraces(bytes: Buffer, start: number, end: number): boolean {
  const at = bytes.indexOf(BRACES, start);
  return at >= 0 && at + 1 < end;
}
