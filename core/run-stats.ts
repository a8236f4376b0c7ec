/** Run statistics: what a batch (or a whole run) read, kept, dropped, rejected and saw drift in. */

export interface DriftObservation {
  event: string;
  /** Dotted path of the undeclared attribute, e.g. `region` or `stats.assists`. */
  attribute: string;
  count: number;
  /** The first record seen carrying it, verbatim (cut at 2 KB), and where it came from. */
  example: string;
  source: string;
  line: number;
}

export interface RunStats {
  objects: number;
  bytesIn: number;
  bytesDecoded: number;
  lines: number;
  /** JSON records and malformed segments found in the lines. */
  records: number;
  /** Records that passed validation, duplicates included. */
  valid: number;
  /** Rows staged per table: distinct valid events by unique key. */
  events: Record<string, number>;
  duplicates: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  unknown: Record<string, number>;
  /** Valid or not, records of tables outside a replay's table list. */
  skipped: number;
  /** Records of erased players (core/erasure/), dropped: neither staged, rejected nor kept as unknown. */
  erased: number;
  drift: DriftObservation[];
}

export function emptyStats(): RunStats {
  return {
    objects: 0,
    bytesIn: 0,
    bytesDecoded: 0,
    lines: 0,
    records: 0,
    valid: 0,
    events: {},
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {},
    unknown: {},
    skipped: 0,
    erased: 0,
    drift: [],
  };
}

/**
 * Adds to a count keyed by a name from data. Any string works: `constructor` reads as no count yet
 * (an own property or nothing, never Object.prototype's), and `__proto__` is an own property, as
 * JSON.parse makes it, instead of the prototype setter.
 */
export function increment(counts: Record<string, number>, key: string, by = 1): void {
  const before = Object.hasOwn(counts, key) ? counts[key]! : 0;
  if (key === '__proto__')
    Object.defineProperty(counts, key, { value: before + by, writable: true, enumerable: true, configurable: true });
  else counts[key] = before + by;
}

/** Adds `b` into `a`; drift examples keep the first seen. */
export function mergeStats(a: RunStats, b: RunStats): RunStats {
  const out: RunStats = {
    ...a,
    events: { ...a.events },
    rejectedByReason: { ...a.rejectedByReason },
    unknown: { ...a.unknown },
    drift: a.drift.map((d) => ({ ...d })),
  };
  out.objects += b.objects;
  out.bytesIn += b.bytesIn;
  out.bytesDecoded += b.bytesDecoded;
  out.lines += b.lines;
  out.records += b.records;
  out.valid += b.valid;
  out.duplicates += b.duplicates;
  out.rejected += b.rejected;
  out.skipped += b.skipped;
  // Reports written before erasure have no count.
  out.erased = (a.erased ?? 0) + (b.erased ?? 0);
  for (const [k, v] of Object.entries(b.events)) increment(out.events, k, v);
  for (const [k, v] of Object.entries(b.rejectedByReason)) increment(out.rejectedByReason, k, v);
  for (const [k, v] of Object.entries(b.unknown)) increment(out.unknown, k, v);
  for (const d of b.drift) {
    const seen = out.drift.find((x) => x.event === d.event && x.attribute === d.attribute);
    if (seen) seen.count += d.count;
    else out.drift.push({ ...d });
  }
  return out;
}
