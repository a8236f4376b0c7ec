/**
 * How the Redshift adapter sends a statement again: the merge's ClientToken (the same manifest gives
 * the same token; a new generation gives a new one), the backoff after a serialization failure, and
 * the UTC session every batch and query runs in.
 */
import { createHash } from 'node:crypto';

/** First in every batch and session: KPI views and the ledger's SYSDATE assume UTC. */
export const UTC_SESSION_SQL = "SET timezone TO 'UTC'";

/** How long the Data API keeps the UTC query session after a statement; reopened when older. */
export const SESSION_KEEP_ALIVE_SECONDS = 300;

/** Fresh tokens tried in one merge() after earlier attempts' statements failed or were serialization failures. */
export const MAX_TOKEN_GENERATIONS = 8;

const SERIALIZATION_BACKOFF_MS = 2_000;
const MAX_SERIALIZATION_BACKOFF_MS = 60_000;

/**
 * The merge's idempotency token: the same manifest gives the same token, so a BatchExecuteStatement
 * re-sent after a lost response (or by the next activity attempt while the first still runs) is
 * answered with the statement already submitted. `generation` moves past a token whose statement
 * failed in an earlier attempt, or was aborted by a serialization failure (the Data API would answer
 * the same token with the same failed statement).
 */
export function mergeClientToken(manifestKey: string, generation = 0): string {
  return createHash('sha256')
    .update(`${manifestKey}\nmerge${generation === 0 ? '' : `\n${generation}`}`)
    .digest('hex');
}

/**
 * Before re-running a statement aborted for serializable isolation: doubling from 2 s, capped at a
 * minute, with up to half again of jitter (`random` in [0, 1)), so two conflicting merges part ways.
 */
export function serializationBackoffMs(attempt: number, random: number): number {
  const base = Math.min(SERIALIZATION_BACKOFF_MS * 2 ** attempt, MAX_SERIALIZATION_BACKOFF_MS);
  return Math.round(base * (1 + random / 2));
}
