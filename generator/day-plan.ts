/** Sizes the day: how many sessions, how much detailed logging and combat, so the records come out near the target. */
import { ActivityGrid } from './activity-curve';

/** The game's behaviour, shared by the simulation and the calibration below. */
export const RULES = {
  matchMinutes: [6, 14] as const,
  /** After a completed match, the player queues again with this probability, else leaves. */
  continueAfterMatch: 0.72,
  /** Per match, the player drops mid-match (disconnect or crash) and the session ends. */
  dropInMatch: 0.03,
  initialLoadout: 0.6,
  loadoutBetweenMatches: 0.25,
  purchaseAfterMatch: 0.05,
  extraScoreAdjustment: 0.15,
  maxPlayersPerMatch: 8,
  /** Matchmaking waits this long for a full match, then starts with whoever waits (bots fill the rest). */
  lobbyWaitSeconds: 90,
  /** Detailed-logging sessions: combat events per minute in a match, split dealt/taken/kiosk. */
  combatShares: { dealt: 0.47, taken: 0.47, kiosk: 0.06 },
  defaultDetailedShare: 0.15,
  defaultCombatPerMinute: 6.4,
  maxCombatPerMinute: 30,
  maxDetailedShare: 0.6,
  /** Sessions per player per 24 h beyond which events go into more combat rather than more sessions. */
  maxSessionsPerPlayerPerDay: 5,
} as const;

export interface DayPlan {
  sessions: number;
  detailedShare: number;
  combatPerMinute: number;
  /**
   * The simulation starts before the window, so that sessions are already under way at its start
   * (their events before it are not written), as on any real day.
   */
  simulationStart: Date;
  simulationHours: number;
  /** Sessions begun before the window, at most (the count is drawn, this bounds it with a margin). */
  warmUpSessions: number;
  /** Game events expected in the window by an instant (UTC micros), to steer combat volume towards the target. */
  expectedBy: (micros: number) => number;
  /** Share of game events that are combat events, as planned. */
  combatShare: number;
}

export const WARM_UP_HOURS = 2;

const matchesPerSession = 1 / (RULES.dropInMatch + (1 - RULES.dropInMatch) * (1 - RULES.continueAfterMatch));
const completedPerSession = matchesPerSession * (1 - RULES.dropInMatch);
const meanMatchMinutes = (RULES.matchMinutes[0] + RULES.matchMinutes[1]) / 2;
/** Events of a session without detailed logging: begin, end, loadouts, match_end, scores, purchases. */
const nonCombatPerSession =
  2 +
  RULES.initialLoadout +
  completedPerSession * (2 + RULES.extraScoreAdjustment + RULES.purchaseAfterMatch) +
  completedPerSession * RULES.continueAfterMatch * RULES.loadoutBetweenMatches;
/** Minutes in matches per session (a dropped player plays half a match on average). */
const matchMinutesPerSession = matchesPerSession * meanMatchMinutes * (1 - RULES.dropInMatch / 2);
/** Mean session length in minutes: matches, lobby and loading, time between matches. */
const sessionMinutes = matchesPerSession * (meanMatchMinutes + 1) + (matchesPerSession - 1) * 1.2;

/**
 * `simEvents` is the number of game events wanted in the window (valid and corrupted, before
 * unknown events and re-deliveries are added). Sessions still running at its end are cut there.
 */
export function planDay(simEvents: number, players: number, start: Date, hours: number): DayPlan {
  const simulationStart = new Date(start.getTime() - WARM_UP_HOURS * 3_600_000);
  const simulationHours = hours + WARM_UP_HOURS;
  const base = {
    simulationStart,
    simulationHours,
    detailedShare: RULES.defaultDetailedShare,
    combatPerMinute: RULES.defaultCombatPerMinute,
  };
  if (simEvents <= 0) return { ...base, sessions: 0, warmUpSessions: 0, expectedBy: () => 0, combatShare: 0 };
  const grid = new ActivityGrid(simulationStart, simulationHours);
  // A session's events spread over its length, so the events written by an instant are about
  // those of the sessions begun half a session length before it.
  const warm = WARM_UP_HOURS * 60,
    end = warm + hours * 60;
  const before = (minute: number) => grid.shareBefore(minute - sessionMinutes / 2);
  const inWindow = Math.max(1e-6, before(end) - before(warm));
  const perSessionDefault =
    nonCombatPerSession + RULES.defaultDetailedShare * matchMinutesPerSession * RULES.defaultCombatPerMinute;
  const wanted = simEvents / (perSessionDefault * inWindow);
  // The cap is on sessions begun in the window; those of the warm-up come on top.
  const warmShare = grid.shareBefore(warm);
  const cap = (players * Math.max(1, (RULES.maxSessionsPerPlayerPerDay * hours) / 24)) / (1 - warmShare);
  const sessions = Math.max(1, Math.round(Math.min(wanted, cap)));
  const combat = Math.max(0, simEvents / (sessions * inWindow) - nonCombatPerSession);
  let detailedShare: number = RULES.defaultDetailedShare;
  let combatPerMinute = combat / (detailedShare * matchMinutesPerSession);
  if (combatPerMinute > RULES.maxCombatPerMinute) {
    detailedShare = Math.min(RULES.maxDetailedShare, combat / (matchMinutesPerSession * RULES.maxCombatPerMinute));
    combatPerMinute = combat / (detailedShare * matchMinutesPerSession);
  }
  const fromMicros = simulationStart.getTime() * 1000;
  const expectedBy = (micros: number) => {
    const minute = Math.min(end, (micros - fromMicros) / 60_000_000);
    return minute <= warm ? 0 : (simEvents * (before(minute) - before(warm))) / inWindow;
  };
  const warmUpSessions = Math.ceil(sessions * warmShare + 4 * Math.sqrt(sessions * warmShare * (1 - warmShare)) + 1);
  return {
    ...base,
    sessions,
    warmUpSessions,
    detailedShare,
    combatPerMinute,
    expectedBy,
    combatShare: combat / (combat + nonCombatPerSession),
  };
}
