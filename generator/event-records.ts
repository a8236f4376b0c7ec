/** Builds the valid record of each catalog event type, fields in catalog order, values as producers write them. */
import { ENVIRONMENT_SOURCES, GADGETS, PERKS, PRICE_TIERS, SKUS, WEAPONS, type Player } from './game-world';
import type { Random } from './random';
import { formatTimestamp, SERVER_STYLE } from './timestamps';
import { sessionIdentity } from './network-identity';

export const TAGS = [
  'session_begin',
  'session_end',
  'damage_dealt',
  'damage_taken',
  'kiosk_weapon_offered',
  'purchase',
  'score_adjustment',
  'loadout_changed',
  'match_end',
] as const;
export type Tag = (typeof TAGS)[number];

export type JsonRecord = Record<string, unknown>;

/** One game event: its tag, its instant (UTC microseconds) and the record a producer writes. */
export interface GameEvent {
  readonly tag: Tag;
  readonly micros: number;
  readonly record: JsonRecord;
}

export interface Session {
  readonly psess: string;
  readonly player: Player;
  readonly detailed: boolean;
  readonly beganAt: number;
  gone: boolean;
  /** Bumped whenever the session joins or leaves the lobby, so stale lobby checks do nothing. */
  lobbyToken: number;
  inLobby: boolean;
}

export interface Match {
  readonly gsess: string;
  readonly start: number;
  readonly end: number;
  readonly players: readonly Session[];
  /** Winning team (0 or 1), or -1 for a draw. */
  readonly winner: number;
  /** Combat events per minute for each detailed-logging player. */
  readonly combatPerMinute: number;
  ended: boolean;
}

/** A client writes uuids in its own case and its own clock style; the game server writes lower-case UTC micros. */
function clientUuid(session: Session, uuid: string): string {
  return session.player.upperCaseUuids ? uuid.toUpperCase() : uuid;
}

function clientDate(session: Session, micros: number): string {
  return formatTimestamp(micros, session.player.style);
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export class EventRecords {
  private purchases = 0;
  constructor(
    private readonly random: Random,
    private readonly newUuid: () => string,
  ) {}

  sessionBegin(s: Session, t: number): GameEvent {
    const record: JsonRecord = {
      event: 'session_begin',
      id: clientUuid(s, this.newUuid()),
      date: clientDate(s, t),
      psess: clientUuid(s, s.psess),
      player_id: s.player.playerId,
      platform: s.player.platform,
      app_version: s.player.appVersion,
    };
    // detailed_logging is false when absent: older clients omit it.
    if (s.detailed) record.detailed_logging = true;
    else if (this.random.chance(0.4)) record.detailed_logging = false;
    Object.assign(record, sessionIdentity(s.player, s.psess));
    return { tag: 'session_begin', micros: t, record };
  }

  sessionEnd(s: Session, t: number, reason: string): GameEvent {
    return {
      tag: 'session_end',
      micros: t,
      record: {
        event: 'session_end',
        id: clientUuid(s, this.newUuid()),
        date: clientDate(s, t),
        psess: clientUuid(s, s.psess),
        duration_s: round((t - s.beganAt) / 1e6, 3),
        reason,
      },
    };
  }

  loadoutChanged(s: Session, t: number): GameEvent {
    const r = this.random;
    const items = [r.pick(WEAPONS)[0], r.pick(['deagle', 'knife', 'p90', 'mp5']), r.pick(GADGETS)];
    if (r.chance(0.4)) items.push(r.pick(GADGETS));
    const record: JsonRecord = {
      event: 'loadout_changed',
      id: clientUuid(s, this.newUuid()),
      date: clientDate(s, t),
      psess: clientUuid(s, s.psess),
      items,
    };
    if (r.chance(0.6)) {
      record.perks = r.chance(0.7)
        ? { slot1: r.pick(PERKS), slot2: r.pick(PERKS), ...(r.chance(0.3) ? { slot3: r.pick(PERKS) } : {}) }
        : { [r.pick(PERKS)]: r.int(1, 3), tier: r.int(1, 5) };
    }
    return { tag: 'loadout_changed', micros: t, record };
  }

  purchase(s: Session, t: number): GameEvent {
    const { sku, tier } = this.random.weighted(SKUS);
    const currency = s.player.currency;
    const price = tier < 0 ? 0 : PRICE_TIERS[currency]![tier]!;
    // Every 4th paid purchase with cents comes from a client that computed its price in floating point: one
    // ulp above it, as 19.990000000000002 (stored as the exact decimal 19.99). No random draw, so
    // the rest of the corpus is as before.
    const amount = !Number.isInteger(price) && this.purchases++ % 4 === 3 ? oneUlpAbove(price) : price;
    return {
      tag: 'purchase',
      micros: t,
      record: {
        event: 'purchase',
        id: clientUuid(s, this.newUuid()),
        date: clientDate(s, t),
        psess: clientUuid(s, s.psess),
        player_id: s.player.playerId,
        sku,
        amount,
        currency,
      },
    };
  }

  /** The match reward, or (extra) a streak, MVP bonus, penalty or correction. */
  scoreAdjustment(s: Session, t: number, result: string, extra: boolean): GameEvent {
    const r = this.random;
    let delta: number, reason: string;
    if (!extra) {
      reason = 'match_reward';
      delta = result === 'win' ? r.int(150, 300) : result === 'draw' ? r.int(80, 150) : r.int(40, 120);
    } else {
      [reason, delta] = r.weighted<[string, number]>([
        [['kill_streak', r.int(25, 75)], 40],
        [['mvp', 100], 20],
        [['penalty_teamkill', -50], 15],
        [['penalty_afk', -r.int(25, 100)], 10],
        [['admin_correction', r.int(-500, 500)], 5],
        [['', r.int(-10, 10)], 10],
      ]);
    }
    return {
      tag: 'score_adjustment',
      micros: t,
      record: {
        event: 'score_adjustment',
        id: this.newUuid(),
        date: formatTimestamp(t, SERVER_STYLE),
        psess: s.psess,
        player_id: s.player.playerId,
        delta,
        reason,
      },
    };
  }

  matchEnd(s: Session, m: Match, t: number, team: number): GameEvent {
    const r = this.random;
    const result = m.winner < 0 ? 'draw' : m.winner === team ? 'win' : 'loss';
    const kills = r.poisson(result === 'win' ? 7 : 5);
    const deaths = r.poisson(result === 'win' ? 5 : 7);
    const accuracy = kills === 0 && r.chance(0.2) ? 0 : round(Math.min(1, 0.08 + r.next() * r.next() * 0.6), 4);
    return {
      tag: 'match_end',
      micros: t,
      record: {
        event: 'match_end',
        gsess: m.gsess,
        psess: s.psess,
        date: formatTimestamp(t, SERVER_STYLE),
        result,
        kills,
        deaths,
        stats: { accuracy, headshots: Math.floor(kills * r.next() * 0.6) },
      },
    };
  }

  damageDealt(s: Session, m: Match, t: number): GameEvent {
    const r = this.random;
    const [weapon, base] = r.pick(WEAPONS);
    const critical = r.chance(0.12);
    const record: JsonRecord = {
      event: 'damage_dealt',
      id: this.newUuid(),
      date: formatTimestamp(t, SERVER_STYLE),
      gsess: m.gsess,
      psess: s.psess,
      eid: r.int(1, 4000),
      weapon,
      amount: round(base * r.uniform(0.6, 1.2) * (critical ? 2 : 1), 1),
    };
    // critical is false when absent: the server omits it for ordinary hits most of the time.
    if (critical) record.critical = true;
    else if (r.chance(0.3)) record.critical = false;
    return { tag: 'damage_dealt', micros: t, record };
  }

  damageTaken(s: Session, m: Match, t: number): GameEvent {
    const r = this.random;
    const [source, base] = r.chance(0.9) ? r.pick(WEAPONS) : r.pick(ENVIRONMENT_SOURCES);
    return {
      tag: 'damage_taken',
      micros: t,
      record: {
        event: 'damage_taken',
        gsess: m.gsess,
        hit_id: this.newUuid(),
        date: formatTimestamp(t, SERVER_STYLE),
        psess: s.psess,
        source,
        amount: round(base * r.uniform(0.5, 1.1), 1),
      },
    };
  }

  kioskWeaponOffered(s: Session, m: Match, t: number): GameEvent {
    return {
      tag: 'kiosk_weapon_offered',
      micros: t,
      record: {
        event: 'kiosk_weapon_offered',
        id: this.newUuid(),
        date: formatTimestamp(t, SERVER_STYLE),
        psess: s.psess,
        gsess: m.gsess,
        eid: this.random.int(0, 11),
        weapon: this.random.pick(WEAPONS)[0],
      },
    };
  }
}

/** The next double above a positive `x`: the float artifact a price gets from arithmetic in doubles. */
function oneUlpAbove(x: number): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0]! += 1n;
  return new Float64Array(bits.buffer)[0]!;
}
