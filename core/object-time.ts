/**
 * When a raw object's events happened, as far as its key tells: Firehose names and prefixes
 * (`YYYY/MM/DD/HH/stream-1-YYYY-MM-DD-HH-MM-SS-id.gz`), Hive-style partitions (`dt=YYYY-MM-DD/hour=HH`,
 * `year=YYYY/month=MM/day=DD/hour=HH`), or else the object's creation time. Replay selects by it.
 */

export interface ObjectTimeSpan {
  /** Inclusive start, epoch milliseconds (UTC). */
  start: number;
  /** Exclusive end; equal to start + 1 ms for a point in time. */
  end: number;
  /** Where the time came from. */
  from: 'file-name' | 'partition' | 'created';
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Firehose appends `-YYYY-MM-DD-HH-MM-SS-` to the stream name and version in every object's name.
const FIREHOSE_NAME = /-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[^/]*$/;
const DATE_PATH = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})(?:\/(\d{2}))?\//;
const HIVE_DATE = /(?:^|\/)(?:dt|date)=(\d{4})-(\d{2})-(\d{2})\//;
const HIVE_PARTS = /(?:^|\/)year=(\d{4})\/month=(\d{1,2})\/day=(\d{1,2})\//;
const HIVE_HOUR = /(?:^|\/)(?:hour|hr)=(\d{1,2})\//;

export function objectTimeSpan(key: string, created: Date): ObjectTimeSpan {
  const name = FIREHOSE_NAME.exec(key);
  if (name) {
    const t = utc(name[1]!, name[2]!, name[3]!, name[4]!, name[5]!, name[6]!);
    if (t !== undefined) return { start: t, end: t + 1, from: 'file-name' };
  }
  const path = DATE_PATH.exec(key);
  if (path) {
    const t = utc(path[1]!, path[2]!, path[3]!, path[4] ?? '0');
    if (t !== undefined) return { start: t, end: t + (path[4] === undefined ? DAY : HOUR), from: 'partition' };
  }
  const hive = HIVE_DATE.exec(key) ?? HIVE_PARTS.exec(key);
  if (hive) {
    const hour = HIVE_HOUR.exec(key)?.[1];
    const t = utc(hive[1]!, hive[2]!, hive[3]!, hour ?? '0');
    if (t !== undefined) return { start: t, end: t + (hour === undefined ? DAY : HOUR), from: 'partition' };
  }
  return { start: created.getTime(), end: created.getTime() + 1, from: 'created' };
}

/** Whether an object's span meets the window [from, to): replaying a little more is harmless, less is not. */
export function overlapsWindow(span: ObjectTimeSpan, from: number, to: number): boolean {
  return span.start < to && span.end > from;
}

function utc(year: string, month: string, day: string, hour: string, minute = '0', second = '0'): number | undefined {
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // 2026/02/31 is not a date: Date.UTC would roll it into March.
  return new Date(t).getUTCDate() === d ? t : undefined;
}
