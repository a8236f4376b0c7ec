/** The ground truth of a generated corpus, tallied as records are written, in the pipeline's own terms. */
import type { JsonRecord, Tag } from './event-records';
import { TAGS } from './event-records';

/** What a written record is, as the pipeline will classify it. */
export type RecordKind =
  | { readonly category: 'valid'; readonly name: Tag }
  | { readonly category: 'invalid'; readonly name: string; readonly junk: boolean }
  | { readonly category: 'unknown'; readonly name: string };

export interface Expected {
  /** Per table: distinct valid events by unique key (uuids lower-cased), i.e. rows the pipeline keeps. */
  distinctValid: Record<string, number>;
  /** Re-delivered copies of valid records: valid records written minus distinctValid. */
  duplicates: number;
  /** Records the pipeline rejects: rule breaches and junk lines, re-deliveries of them included. */
  invalid: number;
  /** `invalid` by kind of breach. */
  invalidByKind: Record<string, number>;
  /** Per unknown tag: records written, re-deliveries included. */
  unknown: Record<string, number>;
  /** Distinct undeclared attribute paths injected into valid records. */
  drift: { event: string; attribute: string }[];
  /** KPIs over the distinct valid events, for end-to-end checks. */
  kpi: {
    /** UTC day -> distinct player_id of valid session_begin events dated that day. */
    dailyActiveUsers: Record<string, number>;
    /** currency -> sum of purchase.amount, rounded to cents. */
    bookings: Record<string, number>;
    /** platform -> valid session_begin events. */
    sessions: Record<string, number>;
  };
}

export class ExpectedCounts {
  private readonly distinctValid = new Map<string, number>(TAGS.map((t) => [t, 0]));
  private duplicates = 0;
  private readonly invalidByKind = new Map<string, number>();
  private readonly unknown = new Map<string, number>();
  private readonly drift = new Map<string, { event: string; attribute: string }>();
  private readonly players = new Map<string, Set<string>>();
  private readonly bookingsCents = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly allPlayers = new Set<string>();
  records = 0;
  redeliveries = 0;

  /** Distinct player_id of valid session_begin events. */
  get distinctPlayers(): number {
    return this.allPlayers.size;
  }

  /** Every written record once, with whether it re-delivers an earlier one. */
  written(kind: RecordKind, redelivery: boolean): void {
    this.records++;
    if (redelivery) this.redeliveries++;
    if (kind.category === 'valid') {
      if (redelivery) this.duplicates++;
      else add(this.distinctValid, kind.name, 1);
    } else if (kind.category === 'invalid') add(this.invalidByKind, kind.name, 1);
    else add(this.unknown, kind.name, 1);
  }

  /** A fresh valid record, for the KPIs. */
  validRecord(tag: Tag, record: JsonRecord, micros: number): void {
    if (tag === 'session_begin') {
      const day = new Date(micros / 1000).toISOString().slice(0, 10);
      let players = this.players.get(day);
      if (players === undefined) this.players.set(day, (players = new Set()));
      players.add(String(record.player_id));
      this.allPlayers.add(String(record.player_id));
      add(this.sessions, String(record.platform), 1);
    } else if (tag === 'purchase') {
      add(this.bookingsCents, String(record.currency), Math.round(Number(record.amount) * 100));
    }
  }

  driftAttribute(event: string, attribute: string): void {
    this.drift.set(`${event}\u0001${attribute}`, { event, attribute });
  }

  toExpected(): Expected {
    const sorted = <V>(m: Map<string, V>) =>
      Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const invalidByKind = sorted(this.invalidByKind);
    return {
      distinctValid: sorted(this.distinctValid),
      duplicates: this.duplicates,
      invalid: Object.values(invalidByKind).reduce((n, v) => n + v, 0),
      invalidByKind,
      unknown: sorted(this.unknown),
      drift: [...this.drift.values()].sort((a, b) =>
        a.event + '.' + a.attribute < b.event + '.' + b.attribute ? -1 : 1,
      ),
      kpi: {
        dailyActiveUsers: sorted(new Map([...this.players].map(([day, set]) => [day, set.size]))),
        bookings: sorted(new Map([...this.bookingsCents].map(([c, cents]) => [c, cents / 100]))),
        sessions: sorted(this.sessions),
      },
    };
  }
}

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
