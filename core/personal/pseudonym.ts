/**
 * Keyed pseudonyms: HMAC-SHA-256 of the value's UTF-8 bytes under the pseudonym key, its first
 * 128 bits as 32 lower-case hex digits. Keyed, so a pseudonym cannot be found again by hashing
 * candidate player ids without the key; deterministic, so the same value gets the same pseudonym
 * in every table, batch and worker that has the key; 128 bits, so distinct values never collide
 * in practice (birthday bound 2^64) and the column stays narrow.
 */
import { createHmac } from 'node:crypto';

export const PSEUDONYM_LENGTH = 32;
/** Below this a key is refused: an HMAC key shorter than the hash's output weakens it. */
export const MIN_PSEUDONYM_KEY_BYTES = 32;

export function assertPseudonymKey(key: Uint8Array): void {
  if (key.length < MIN_PSEUDONYM_KEY_BYTES)
    throw new Error(`the pseudonym key must be at least ${MIN_PSEUDONYM_KEY_BYTES} bytes (got ${key.length})`);
}

export function pseudonymOf(key: Uint8Array, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, PSEUDONYM_LENGTH);
}
