/**
 * Records of synthetic types: each type drawn by its share, keys unique by construction, a share of
 * byte-identical re-deliveries, and late attributes only once the run has reached them.
 */
import { Random, UuidSource } from '../random';
import { syntheticValue, type SyntheticType } from './synthetic-types';

/** Re-deliveries repeat one of this many latest records (so across objects too). */
const RECENT = 4096;

export class SyntheticRecords {
  private readonly random: Random;
  private readonly ids: UuidSource;
  private readonly sessions: string[];
  private readonly cumulative: number[];
  private readonly recent: string[] = [];
  /** Distinct records written per event tag: the rows each table must end with. */
  readonly distinct = new Map<string, number>();
  written = 0;

  constructor(
    private readonly types: readonly SyntheticType[],
    seed: number,
    private readonly duplicateShare: number,
  ) {
    this.random = new Random(seed, 902);
    this.ids = new UuidSource(seed, 903);
    const sessions = new UuidSource(seed, 904);
    this.sessions = Array.from({ length: 512 }, () => sessions.next());
    let sum = 0;
    this.cumulative = types.map((t) => (sum += t.share));
  }

  /** `count` JSON lines dated within [from, from + spanMs); `progress` (0-1) decides which late attributes exist. */
  lines(count: number, from: Date, spanMs: number, progress: number): string {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      if (this.recent.length > 0 && this.random.chance(this.duplicateShare)) {
        out.push(this.recent[this.random.int(0, this.recent.length - 1)]!);
        continue;
      }
      const type = this.types[this.pickType()]!;
      const record: Record<string, unknown> = {
        event: type.tag,
        id: this.ids.next(),
        date: new Date(from.getTime() + Math.floor((spanMs * i) / Math.max(1, count))).toISOString(),
        psess: this.random.pick(this.sessions),
      };
      for (const a of type.attributes)
        if (progress >= a.appearsAt) record[a.name] = syntheticValue(a.kind, this.random);
      const line = JSON.stringify(record);
      this.distinct.set(type.tag, (this.distinct.get(type.tag) ?? 0) + 1);
      if (this.recent.length < RECENT) this.recent.push(line);
      else this.recent[this.random.int(0, RECENT - 1)] = line;
      out.push(line);
    }
    this.written += count;
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  /** Binary search of the cumulative shares. */
  private pickType(): number {
    const r = this.random.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0,
      hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
