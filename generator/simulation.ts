/** A discrete-event simulation of the day: sessions open, queue, play matches, buy, leave; events come out in time order. */
import type { DayPlan } from './day-plan';
import { SessionStarts } from './activity-curve';
import { RULES } from './day-plan';
import { EventHeap } from './event-heap';
import { EventRecords, type GameEvent, type Match, type Session } from './event-records';
import type { Player } from './game-world';
import type { Random } from './random';

const SECOND = 1_000_000;
const MINUTE = 60 * SECOND;

export class Simulation {
  private readonly heap = new EventHeap();
  private readonly starts: SessionStarts;
  private readonly records: EventRecords;
  private readonly lobby: Session[] = [];
  private nextStart: number | undefined;
  private sessionIndex = 0;
  private readonly rates: { dealt: number; taken: number; total: number };
  private produced = 0;
  private detailedDebt = 0;
  private detailedThreshold = 0.5;

  constructor(
    private readonly plan: DayPlan,
    private readonly players: readonly Player[],
    private readonly sessionPlayers: Uint32Array,
    /** Events before this instant (UTC micros) happen, but are not written: the day had not begun. */
    private readonly windowStart: number,
    private readonly random: Random,
    private readonly newUuid: () => string,
    private readonly output: (event: GameEvent) => void,
  ) {
    this.starts = new SessionStarts(plan.simulationStart, plan.simulationHours, plan.sessions, random);
    this.records = new EventRecords(random, newUuid);
    this.nextStart = this.starts.next();
    const total = plan.combatPerMinute;
    this.rates = { dealt: total * RULES.combatShares.dealt, taken: total * RULES.combatShares.taken, total };
  }

  /**
   * Runs every action before `limit` (UTC micros), unless `pause()` turns true first.
   * Returns true when everything before `limit` has run.
   */
  runUntil(limit: number, pause: () => boolean): boolean {
    for (;;) {
      const heapTime = this.heap.peekTime();
      const startTime = this.nextStart ?? Infinity;
      if (Math.min(heapTime, startTime) >= limit) return true;
      if (startTime <= heapTime) {
        this.nextStart = this.starts.next();
        this.openSession(startTime);
      } else {
        const item = this.heap.pop()!;
        item.run(item.t);
      }
      if (pause()) return false;
    }
  }

  private emit(event: GameEvent): void {
    if (event.micros < this.windowStart) return;
    this.produced++;
    this.output(event);
  }

  private at(t: number, run: (t: number) => void): void {
    this.heap.push(Math.floor(t), run);
  }

  private openSession(t: number): void {
    const r = this.random;
    const player = this.players[this.sessionPlayers[this.sessionIndex++]!]!;
    const s: Session = {
      psess: this.newUuid(),
      player,
      detailed: this.nextDetailed(t),
      beganAt: t,
      gone: false,
      lobbyToken: 0,
      inLobby: false,
    };
    this.emit(this.records.sessionBegin(s, t));
    if (r.chance(RULES.initialLoadout))
      this.at(t + r.uniform(2, 20) * SECOND, (u) => this.emit(this.records.loadoutChanged(s, u)));
    this.at(t + r.uniform(10, 40) * SECOND, (u) => this.joinLobby(s, u));
  }

  /**
   * Detailed logging samples sessions by a running quota rather than a coin per session: combat,
   * most of the volume, then comes at a steady pace even in a small corpus. Steered like combat.
   */
  private nextDetailed(t: number): boolean {
    this.detailedDebt += Math.min(1, this.plan.detailedShare * this.steer(t));
    if (this.detailedDebt < this.detailedThreshold) return false;
    this.detailedDebt -= 1;
    this.detailedThreshold = this.random.next();
    return true;
  }

  /**
   * Combat volume is what makes the day's total: it is steered towards the plan, so the record
   * count lands near the target whatever the luck of the draw in session lengths. The gap between
   * plan and output is closed over the combat of the next two hours.
   */
  private steer(t: number): number {
    const due = this.plan.expectedBy(t);
    const combatAhead = (this.plan.expectedBy(t + 120 * MINUTE) - due) * this.plan.combatShare;
    return Math.min(4, Math.max(0.25, 1 + (due - this.produced) / Math.max(combatAhead, 50)));
  }

  private joinLobby(s: Session, t: number): void {
    s.inLobby = true;
    const token = ++s.lobbyToken;
    this.lobby.push(s);
    if (this.lobby.length >= RULES.maxPlayersPerMatch) {
      this.startMatch(this.lobby.splice(0, RULES.maxPlayersPerMatch), t);
      return;
    }
    // Nobody else around: after a while the match starts with whoever waits (bots fill the rest).
    this.at(t + RULES.lobbyWaitSeconds * SECOND, (u) => {
      if (s.inLobby && s.lobbyToken === token) this.startMatch(this.lobby.splice(0, RULES.maxPlayersPerMatch), u);
    });
  }

  private startMatch(players: Session[], t: number): void {
    const r = this.random;
    const start = t + r.uniform(5, 20) * SECOND;
    const minutes = r.uniform(RULES.matchMinutes[0], RULES.matchMinutes[1]);
    const match: Match = {
      gsess: this.newUuid(),
      start,
      end: start + minutes * MINUTE,
      players,
      winner: r.chance(0.05) ? -1 : r.int(0, 1),
      ended: false,
      combatPerMinute: this.rates.total * this.steer(t),
    };
    for (const s of players) {
      s.inLobby = false;
      s.lobbyToken++;
      if (r.chance(RULES.dropInMatch)) {
        this.at(start + r.next() * (match.end - start), (u) => {
          s.gone = true;
          this.emit(this.records.sessionEnd(s, u, r.chance(0.7) ? 'disconnect' : 'crash'));
        });
      }
      if (s.detailed && match.combatPerMinute > 0)
        this.at(start + r.exponential(MINUTE / match.combatPerMinute), (u) => this.combat(s, match, u));
    }
    this.at(match.end, (u) => this.endMatch(match, u));
  }

  private combat(s: Session, m: Match, t: number): void {
    if (s.gone || m.ended) return;
    const r = this.random,
      pick = r.next() * this.rates.total;
    if (pick < this.rates.dealt) this.emit(this.records.damageDealt(s, m, t));
    else if (pick < this.rates.dealt + this.rates.taken) this.emit(this.records.damageTaken(s, m, t));
    else this.emit(this.records.kioskWeaponOffered(s, m, t));
    const next = t + r.exponential(MINUTE / m.combatPerMinute);
    if (next < m.end) this.at(next, (u) => this.combat(s, m, u));
  }

  private endMatch(m: Match, t: number): void {
    m.ended = true;
    const r = this.random;
    m.players.forEach((s, index) => {
      if (s.gone) return;
      const team = index % 2;
      const result = m.winner < 0 ? 'draw' : m.winner === team ? 'win' : 'loss';
      this.at(t + r.uniform(0, 1.5) * SECOND, (u) => this.emit(this.records.matchEnd(s, m, u, team)));
      this.at(t + r.uniform(1.5, 4) * SECOND, (u) => this.emit(this.records.scoreAdjustment(s, u, result, false)));
      if (r.chance(RULES.extraScoreAdjustment))
        this.at(t + r.uniform(1.5, 6) * SECOND, (u) => this.emit(this.records.scoreAdjustment(s, u, result, true)));
      if (r.chance(RULES.purchaseAfterMatch))
        this.at(t + r.uniform(8, 60) * SECOND, (u) => this.emit(this.records.purchase(s, u)));
      if (r.chance(RULES.continueAfterMatch)) {
        if (r.chance(RULES.loadoutBetweenMatches))
          this.at(t + r.uniform(5, 40) * SECOND, (u) => this.emit(this.records.loadoutChanged(s, u)));
        this.at(t + r.uniform(45, 120) * SECOND, (u) => this.joinLobby(s, u));
      } else {
        const reason = r.weighted([
          ['quit', 85],
          ['timeout', 6],
          ['kicked', 3],
          ['disconnect', 4],
          ['crash', 2],
        ] as const);
        this.at(t + r.uniform(62, 180) * SECOND, (u) => {
          s.gone = true;
          this.emit(this.records.sessionEnd(s, u, reason));
        });
      }
    });
  }
}
