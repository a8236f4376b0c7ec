/**
 * The lake's durable record of erased players: `erasures/{pseudonym}.json`, one object per player,
 * holding the pseudonym (never a clear value). Listing the prefix gives the erased set, which the
 * processing core drops records by, so replays and late events never bring an erased player back.
 */
import { PSEUDONYM_LENGTH } from '../personal/pseudonym';

export const ERASURES_PREFIX = 'erasures/';

const PSEUDONYM = new RegExp(`^[0-9a-f]{${PSEUDONYM_LENGTH}}$`);

/** What the object holds. */
export interface ErasureRecord {
  pseudonym: string;
  /** When the erasure was first recorded (ISO 8601); a repeated erasure keeps it. */
  recordedAt: string;
}

export function isPseudonym(value: string): boolean {
  return PSEUDONYM.test(value);
}

export function erasureKeyOf(pseudonym: string): string {
  if (!isPseudonym(pseudonym)) throw new Error(`not a pseudonym: ${PSEUDONYM_LENGTH} lower-case hex digits expected`);
  return `${ERASURES_PREFIX}${pseudonym}.json`;
}

/** The pseudonym an `erasures/` key names, or undefined for any other object under the prefix. */
export function pseudonymOfErasureKey(key: string): string | undefined {
  if (!key.startsWith(ERASURES_PREFIX) || !key.endsWith('.json')) return undefined;
  const name = key.slice(ERASURES_PREFIX.length, -'.json'.length);
  return isPseudonym(name) ? name : undefined;
}
