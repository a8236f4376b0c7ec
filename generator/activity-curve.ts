/** The day's activity curve (players online by UTC hour) and session start times drawn from it. */
import type { Random } from './random';

/** Relative player activity at a UTC hour: peaks at 20:00 UTC (European evening, American afternoon). */
export function activityAt(utcHour: number): number {
  return 1 + 0.6 * Math.cos((2 * Math.PI * (utcHour - 20)) / 24);
}

/** Activity per minute of the window, and its cumulative distribution. */
export class ActivityGrid {
  readonly cumulative: Float64Array;
  readonly total: number;
  private readonly startHour: number;

  constructor(
    start: Date,
    readonly hours: number,
  ) {
    this.startHour = (start.getTime() / 3_600_000) % 24;
    const cells = Math.max(1, Math.ceil(hours * 60));
    this.cumulative = new Float64Array(cells + 1);
    let total = 0;
    for (let i = 0; i < cells; i++) {
      const width = Math.min(1, hours * 60 - i);
      this.cumulative[i + 1] = total += this.densityAt(i + width / 2) * width;
    }
    this.total = total;
  }

  /** Share of the window's activity before `minute`. */
  shareBefore(minute: number): number {
    if (minute <= 0) return 0;
    const cells = this.cumulative.length - 1;
    if (minute >= cells) return 1;
    const cell = Math.floor(minute);
    const low = this.cumulative[cell]!,
      high = this.cumulative[cell + 1]!;
    return (low + (high - low) * (minute - cell)) / this.total;
  }

  densityAt(minute: number): number {
    return activityAt((this.startHour + minute / 60) % 24);
  }
}

/**
 * The start times of `count` sessions, in increasing order, drawn from the activity curve without
 * holding them all: sorted uniforms by the sequential order-statistics recurrence, then the inverse CDF.
 */
export class SessionStarts {
  private readonly grid: ActivityGrid;
  private readonly startMicros: number;
  private readonly endMicros: number;
  private drawn = 0;
  private u = 0;
  private cell = 0;

  constructor(
    start: Date,
    hours: number,
    private readonly count: number,
    private readonly random: Random,
  ) {
    this.grid = new ActivityGrid(start, hours);
    this.startMicros = start.getTime() * 1000;
    this.endMicros = this.startMicros + Math.round(hours * 3_600_000_000);
  }

  /** The next start in UTC microseconds, or undefined when all are drawn. */
  next(): number | undefined {
    if (this.drawn >= this.count) return undefined;
    const remaining = this.count - this.drawn++;
    this.u = 1 - (1 - this.u) * Math.pow(1 - this.random.next(), 1 / remaining);
    const target = this.u * this.grid.total;
    const cumulative = this.grid.cumulative;
    while (this.cell < cumulative.length - 2 && cumulative[this.cell + 1]! <= target) this.cell++;
    const low = cumulative[this.cell]!,
      high = cumulative[this.cell + 1]!;
    const within = high > low ? (target - low) / (high - low) : 0;
    const minute = Math.min(this.cell + within, this.grid.hours * 60);
    const micros = this.startMicros + Math.floor(minute * 60_000_000);
    return Math.min(micros, this.endMicros - 1);
  }
}
