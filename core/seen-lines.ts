/**
 * Lines already staged or dropped as duplicates in this batch, by their 64-bit fingerprint
 * (core/line-fingerprint.ts), each with the attribute variation its record counted under. A
 * byte-identical line is the same record again, so it is a duplicate of a valid record and is
 * counted as one without being parsed, validated or probed: about two in three duplicates of
 * the benchmark corpus, whose parse and checks measured ~3 µs a line (docs/benchmarks.md).
 *
 * Only the verdict "valid" is remembered: rejected and unknown lines take the full path every
 * time, so their outputs do not change. The set is a cache: when full it starts again empty, and
 * a line it forgot takes the full path, which gives the same result.
 *
 * A distinct line is taken for a repeat only if both 32-bit halves of its fingerprint equal those
 * of a line in its probe sequence: about 2^-64 per comparison for non-adversarial text.
 */

/** The variation id stored for a line whose record was not tracked (over the tracker's limits). */
export const UNTRACKED = -1;
/** find() of a line not seen. */
export const NOT_SEEN = -2;

/**
 * 2^18 slots (3 MB): a table that stays in the processor's caches. On the bench corpus (862,574
 * fingerprinted lines) it found 188,792 repeats at 0.07 µs a line; 2^21 slots (25 MB) found
 * 204,272 at 0.23 µs a line, from main memory. A repeat found saves ~3 µs, so 2^18 nets the most.
 */
const DEFAULT_CAPACITY = 1 << 18;

export class SeenLines {
  private readonly high: Int32Array;
  private readonly low: Int32Array;
  private readonly variation: Int32Array;
  private readonly mask: number;
  private readonly limit: number;
  private count = 0;

  /** `capacity`, a power of two, bounds the memory: 12 bytes a slot. */
  constructor(capacity = DEFAULT_CAPACITY) {
    if (capacity < 16 || (capacity & (capacity - 1)) !== 0) throw new Error(`capacity must be a power of two >= 16, not ${capacity}`);
    this.high = new Int32Array(capacity);
    this.low = new Int32Array(capacity);
    this.variation = new Int32Array(capacity);
    this.mask = capacity - 1;
    // Linear probing stays short up to three quarters full.
    this.limit = (capacity >> 2) * 3;
  }

  get size(): number {
    return this.count;
  }

  /** The variation id stored with the line, or NOT_SEEN. (0, 0) is never a fingerprint, so a free slot never matches. */
  find(high: number, low: number): number {
    const mask = this.mask;
    for (let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const h = this.high[slot]!, l = this.low[slot]!;
      if (h === high && l === low) return this.variation[slot]!;
      if (h === 0 && l === 0) return NOT_SEEN;
    }
  }

  /** Remembers a line not seen before (find returned NOT_SEEN). */
  add(high: number, low: number, variation: number): void {
    if (this.count >= this.limit) this.clear();
    const mask = this.mask;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    while (this.high[slot] !== 0 || this.low[slot] !== 0) slot = (slot + 1) & mask;
    this.high[slot] = high;
    this.low[slot] = low;
    this.variation[slot] = variation;
    this.count++;
  }

  private clear(): void {
    this.high.fill(0);
    this.low.fill(0);
    this.count = 0;
  }
}
