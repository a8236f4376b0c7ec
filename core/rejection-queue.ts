/**
 * A batch's rejects, in the order of their records: each written as a JSON line with its reason,
 * the refused records of known types explained by zod a batch at a time (see EXPLAIN_BATCH).
 */
import type { EventType } from '../schemas/define-event';
import { explainRefused } from './classify-record';
import { LineFile } from './line-file';
import { increment, type RunStats } from './run-stats';

/** Where a record was and its text: what every reject line keeps. */
interface RecordPlace {
  text: string;
  source: string;
  line: number;
  index: number;
}

/** A record rejected with its reason (`reasonKey` counts it in the run's statistics). */
export interface Rejection extends RecordPlace {
  reasonKey: string;
  reason: string;
  event?: string;
  field?: string;
}

/** A rejection waiting in the queue: with its reason, or refused by the fast checks and not yet explained. */
type QueuedRejection =
  (Rejection & { refused?: undefined }) | (RecordPlace & { refused: EventType; record: Record<string, unknown> });

/**
 * Refused records explained in a row: zod's code runs cold when one rejection comes every hundred
 * records, and explaining them in batches measured about a tenth of the cost each (docs/benchmarks.md).
 * The queue holds texts and parsed records that may be slices of decoded lines, hence a small bound.
 */
const EXPLAIN_BATCH = 256;

/** Writes `{source, line, index, reason, event?, field?, record}` lines to `path` once the first comes. */
export class RejectionQueue {
  /** Rejections in the order of their records, while any waits for its reason. */
  private readonly queue: QueuedRejection[] = [];
  private file: LineFile | undefined;

  constructor(
    private readonly path: string,
    private readonly stats: RunStats,
    /** Where a refused record goes when zod finds it valid after all. */
    private readonly stage: (type: EventType, row: unknown[]) => void,
    /** Told of every rejection written (the rejects table's writer, core/side-tables.ts). */
    private readonly onWrite?: (rejection: Rejection) => void,
  ) {}

  /** A record of a known type that its fast checks refused: its reason is found by zod later, in a row. */
  refused(
    type: EventType,
    record: Record<string, unknown>,
    text: string,
    source: string,
    line: number,
    index: number,
  ): void {
    this.queue.push({ refused: type, record, text, source, line, index });
    if (this.queue.length >= EXPLAIN_BATCH) this.flush();
  }

  reject(rejection: Rejection): void {
    if (this.queue.length > 0) this.queue.push(rejection);
    else this.write(rejection);
  }

  private write({ reasonKey, reason, text, source, line, index, event, field }: Rejection): void {
    this.stats.rejected++;
    increment(this.stats.rejectedByReason, reasonKey);
    this.file ??= new LineFile(this.path);
    this.file.appendLine(JSON.stringify({ source, line, index, reason, event, field, record: text }));
    this.onWrite?.({ reasonKey, reason, text, source, line, index, event, field });
  }

  /**
   * Writes the queued rejections in their order, explaining the refused ones with zod. Zod is the
   * rule: where it finds a refused record valid (the fast checks and zod disagree, which
   * test/schemas/fast-check.test.ts rules out for the shipped builders), the record is staged now.
   */
  flush(): void {
    const queue = this.queue;
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i]!;
      if (q.refused === undefined) {
        this.write(q);
        continue;
      }
      const verdict = explainRefused(q.refused, q.record);
      if (verdict.kind === 'rejected')
        this.write({ ...verdict, text: q.text, source: q.source, line: q.line, index: q.index });
      else if (verdict.kind === 'valid') this.stage(verdict.type, verdict.row);
    }
    queue.length = 0;
  }

  /** Writes what waits; the file's path, or undefined when nothing was rejected. */
  close(): string | undefined {
    this.flush();
    this.file?.flush();
    return this.file?.path;
  }
}
