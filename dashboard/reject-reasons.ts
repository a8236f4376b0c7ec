/**
 * The top reasons records were rejected for, read from the lake's `rejects/{batchId}.jsonl`. The
 * one place the dashboard reads rejects: when the warehouse holds them as a table, only this
 * module changes. Replays' rejects (`replay/rejects/`) are left out: they repeat records already counted.
 */
import type { ObjectStore } from '../stores/object/object-store';

export const REJECTS_PREFIX = 'rejects/';

export interface RejectReason {
  /** The reason with the rejected value and line number taken out, so records group by what is wrong. */
  reason: string;
  records: number;
}

export interface RejectSummary {
  records: number;
  reasons: RejectReason[];
}

/**
 * A reject line's reason as a group: `purchase.amount: Invalid input: expected number (got "x")`
 * -> `purchase.amount: Invalid input: expected number`. The value is data (possibly a personal
 * one), which a dashboard never shows.
 */
export function reasonGroup(reason: string): string {
  return reason
    .replace(/ \(got [\s\S]*\)$/, '')
    .replace(/^line \d+: /, '')
    .replace(/^line of \d+ bytes/, 'line of N bytes')
    .replace(/^invalid JSON: [\s\S]*/, 'invalid JSON')
    .replace(/^(`event` is not a string) but [\s\S]*/, '$1');
}

/** Counts per object, kept while its etag holds: a batch's rejects file is written once (a retry rewrites the same). */
export class RejectReasonReader {
  private readonly seen = new Map<string, { etag: string; counts: Map<string, number> }>();

  constructor(private readonly lake: ObjectStore) {}

  async summary(top = 10): Promise<RejectSummary> {
    const totals = new Map<string, number>();
    const listed = new Set<string>();
    for await (const o of this.lake.list(REJECTS_PREFIX)) {
      if (!o.key.endsWith('.jsonl')) continue;
      listed.add(o.key);
      let entry = this.seen.get(o.key);
      if (entry?.etag !== o.etag) {
        entry = { etag: o.etag, counts: countReasons(await this.lake.readBytes(o.key)) };
        this.seen.set(o.key, entry);
      }
      for (const [reason, n] of entry.counts) totals.set(reason, (totals.get(reason) ?? 0) + n);
    }
    for (const key of this.seen.keys()) if (!listed.has(key)) this.seen.delete(key);
    const reasons = [...totals]
      .map(([reason, records]) => ({ reason, records }))
      .sort((a, b) => b.records - a.records || (a.reason < b.reason ? -1 : 1));
    return { records: reasons.reduce((a, r) => a + r.records, 0), reasons: reasons.slice(0, top) };
  }
}

function countReasons(bytes: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of Buffer.from(bytes).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let reason = 'unreadable reject line';
    try {
      const parsed = JSON.parse(line) as { reason?: unknown };
      if (typeof parsed.reason === 'string') reason = reasonGroup(parsed.reason);
    } catch {
      // A torn line: counted, under its own reason, rather than lost.
    }
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return counts;
}
