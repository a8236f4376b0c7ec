/** At-least-once delivery: late arrivals, and re-deliveries within a file (batch retries) and across files. */
import type { ExpectedCounts, RecordKind } from './expected-counts';
import type { Random } from './random';
import type { RawObjectWriter } from './raw-object-writer';
import type { OutRecord } from './record-factory';

export interface DeliveryOptions {
  /** Share of written records that re-deliver an earlier one. */
  duplicateShare: number;
  /** Share of re-deliveries that repeat a record of an earlier file (the rest repeat one of the same file). */
  acrossFilesShare: number;
  /** Share of fresh records that arrive late, in the next file. */
  lateShare: number;
}

interface Written {
  readonly text: string;
  readonly kind: RecordKind;
}

/** Bounds on what is kept for re-delivery and late arrival, whatever the corpus size. */
const RECENT = 4096,
  RESERVOIR = 8192,
  LATE = 4096,
  MAX_BURST = 12;
const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;

export class Delivery {
  /** Fresh records written in the current file, newest last (a ring). */
  private recent: Written[] = [];
  private recentNext = 0;
  /** Uniform samples (reservoir sampling) of the fresh records of this file and of the last file that had any. */
  private sample: Written[] = [];
  private sampled = 0;
  private previousSample: Written[] = [];
  private late: OutRecord[] = [];
  private writer: RawObjectWriter | undefined;
  private lastFile = false;
  private debt = 0;
  private burst: number;
  private readonly perFresh: number;
  acrossFiles = 0;
  withinFile = 0;
  lateRecords = 0;

  constructor(
    private readonly options: DeliveryOptions,
    private readonly random: Random,
    private readonly counts: ExpectedCounts,
  ) {
    this.perFresh = options.duplicateShare / (1 - options.duplicateShare);
    this.burst = random.int(1, MAX_BURST);
  }

  /** Starts writing the next file into `writer`: records that arrived late for the previous file come first. */
  startFile(writer: RawObjectWriter, last: boolean): void {
    this.writer = writer;
    this.lastFile = last;
    this.recent = [];
    this.recentNext = 0;
    if (this.sample.length > 0) {
      this.previousSample = this.sample;
      this.sample = [];
      this.sampled = 0;
    }
    const late = this.late;
    this.late = [];
    for (const record of late) this.writeFresh(record);
  }

  fresh(record: OutRecord): void {
    if (!this.lastFile && this.late.length < LATE && this.random.chance(this.options.lateShare)) {
      this.lateRecords++;
      this.late.push(record);
    } else {
      this.writeFresh(record);
    }
    this.debt += this.perFresh;
    if (this.debt >= this.burst) this.redeliver();
  }

  private writeFresh(record: OutRecord): void {
    const written: Written = { text: record.text, kind: record.kind };
    this.write(written, false);
    if (this.recent.length < RECENT) this.recent.push(written);
    else this.recent[this.recentNext] = written;
    this.recentNext = (this.recentNext + 1) % RECENT;
    this.sampled++;
    if (this.sample.length < RESERVOIR) this.sample.push(written);
    else {
      const j = Math.floor(this.random.next() * this.sampled);
      if (j < RESERVOIR) this.sample[j] = written;
    }
  }

  private write(record: Written, redelivery: boolean): void {
    const junk = record.kind.category === 'invalid' && record.kind.junk;
    this.writer!.writeRecord(redelivery ? this.variant(record) : record.text, junk);
    this.counts.written(record.kind, redelivery);
  }

  /**
   * A burst of re-deliveries: a stretch of this file's recent records (a retried batch), or records
   * of the previous file (a delivery retried after its object was written).
   */
  private redeliver(): void {
    const n = Math.floor(this.debt);
    const total = this.acrossFiles + this.withinFile + n;
    let done = 0;
    const previous = this.previousSample;
    if (previous.length > 0 && this.acrossFiles < this.options.acrossFilesShare * total) {
      for (let i = 0; i < n; i++) this.write(previous[Math.floor(this.random.next() * previous.length)]!, true);
      done = n;
      this.acrossFiles += done;
    }
    if (done === 0 && this.recent.length > 0) {
      // Oldest first in ring order, so the stretch reads as the batch was first written.
      const length = this.recent.length;
      const count = Math.min(n, length);
      const oldest = length < RECENT ? 0 : this.recentNext;
      const from = this.random.int(0, length - count);
      for (let i = 0; i < count; i++) this.write(this.recent[(oldest + from + i) % length]!, true);
      done = count;
      this.withinFile += done;
    }
    this.debt -= done;
    this.burst = this.random.int(1, MAX_BURST);
  }

  /**
   * Most re-deliveries are byte-identical. Some valid or unknown records come back with their uuids
   * in the other case, or with their keys in another order: the same event once normalised.
   */
  private variant(record: Written): string {
    if (record.kind.category === 'invalid') return record.text;
    const r = this.random.next();
    if (r < 0.85) return record.text;
    if (r < 0.95) return record.text.replace(UUID, (u) => (u === u.toLowerCase() ? u.toUpperCase() : u.toLowerCase()));
    const parsed = JSON.parse(record.text) as Record<string, unknown>;
    const reordered: Record<string, unknown> = {};
    for (const key of Object.keys(parsed).reverse()) reordered[key] = parsed[key];
    return JSON.stringify(reordered);
  }

  /** Records still waiting (late ones) go into the last file. */
  endFile(): void {
    if (!this.lastFile) return;
    const late = this.late;
    this.late = [];
    for (const record of late) this.writeFresh(record);
  }
}
