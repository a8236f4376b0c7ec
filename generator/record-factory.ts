/** Turns game events into the fresh records a producer writes: valid (some with drift), broken, plus unknown events. */
import type { ExpectedCounts, RecordKind } from './expected-counts';
import type { GameEvent } from './event-records';
import { InvalidKindPicker } from './invalid-records';
import type { Random } from './random';
import { DriftInjector } from './schema-drift';
import { unknownEvent } from './unknown-events';

export interface OutRecord {
  readonly text: string;
  readonly kind: RecordKind;
}

export interface RecordShares {
  invalid: number;
  unknown: number;
  drift: number;
}

const VALID_KINDS = new Map<string, RecordKind>();
const validKind = (tag: GameEvent['tag']): RecordKind => {
  let kind = VALID_KINDS.get(tag);
  if (kind === undefined) VALID_KINDS.set(tag, (kind = { category: 'valid', name: tag }));
  return kind;
};

/**
 * A share is met by a running debt with a random threshold rather than a coin per record: the
 * counts land within one of their target, and the records that get them are still spread at random.
 */
class Quota {
  private debt = 0;
  private threshold: number;

  constructor(
    private readonly perEvent: number,
    private readonly random: Random,
  ) {
    this.threshold = random.next();
  }

  /** Adds one event's share; true when this event is due. */
  due(): boolean {
    this.debt += this.perEvent;
    return this.perEvent > 0 && this.debt >= this.threshold;
  }

  /** Whether one may be taken ahead of time: the debt then goes at most one below zero. */
  canBorrow(): boolean {
    return this.perEvent > 0 && this.debt >= 0;
  }

  take(): void {
    this.debt -= 1;
    this.threshold = this.random.next();
  }
}

export class RecordFactory {
  private readonly unknown: Quota;
  private readonly invalid: Quota;
  private readonly drift: Quota;
  private readonly picker = new InvalidKindPicker();
  private readonly driftInjector = new DriftInjector();

  constructor(
    shares: RecordShares,
    private readonly random: Random,
    private readonly newUuid: () => string,
    private readonly counts: ExpectedCounts,
  ) {
    // Shares are of fresh records; unknown events come on top of game events, invalid ones replace them.
    const unknownPerEvent = shares.unknown / (1 - shares.unknown);
    this.unknown = new Quota(unknownPerEvent, random);
    this.invalid = new Quota(shares.invalid * (1 + unknownPerEvent), random);
    this.drift = new Quota(shares.drift, random);
  }

  make(event: GameEvent, out: (record: OutRecord) => void): void {
    if (this.unknown.due()) {
      this.unknown.take();
      const record = unknownEvent(event, this.random, this.newUuid);
      out({ text: JSON.stringify(record), kind: { category: 'unknown', name: String(record.event) } });
    }
    // Early on, a kind (or drift path) not seen yet may take the next event ahead of its turn, so
    // that even a small corpus holds every kind of breach and every drift path.
    if (
      this.invalid.due() ||
      (this.invalid.canBorrow() && this.picker.hasUnused(event.tag) && this.random.chance(0.5))
    ) {
      this.invalid.take();
      const kind = this.picker.pick(event.tag);
      out({ text: kind.apply(event, this.random), kind: { category: 'invalid', name: kind.name, junk: kind.junk } });
      return;
    }
    if (
      this.drift.due() ||
      (this.drift.canBorrow() && this.driftInjector.hasUnused(event.tag) && this.random.chance(0.5))
    ) {
      this.drift.take();
      this.counts.driftAttribute(event.tag, this.driftInjector.add(event, this.random));
    }
    this.counts.validRecord(event.tag, event.record, event.micros);
    out({ text: JSON.stringify(event.record), kind: validKind(event.tag) });
  }
}
