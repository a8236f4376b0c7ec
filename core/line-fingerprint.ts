/**
 * A 64-bit fingerprint of a line's bytes, as two 32-bit MurmurHash3 (x86_32) states with
 * different seeds over the same words: it lets a byte-identical re-delivered line be recognised
 * before it is parsed (core/seen-lines.ts). Computed on the bytes, four at a time through a
 * DataView, because hashing the decoded string by character codes measured 2-3 times slower.
 */

/** Where the last fingerprint is left: two numbers, without allocating a result per line. */
export const fingerprint = { high: 0, low: 0 };

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;
const SEED_HIGH = 0x9747b28c | 0;
const SEED_LOW = 0x5bd1e995 | 0;

/** Fingerprints bytes [from, to) of `view` into `fingerprint`; never both halves 0 (0/0 means "none"). */
export function fingerprintBytes(view: DataView, from: number, to: number): void {
  let high = SEED_HIGH;
  let low = SEED_LOW;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    let k = view.getInt32(i, true);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    high ^= k;
    high = (high << 13) | (high >>> 19);
    high = (Math.imul(high, 5) + 0xe6546b64) | 0;
    low ^= k;
    low = (low << 13) | (low >>> 19);
    low = (Math.imul(low, 5) + 0xe6546b64) | 0;
  }
  if (i < to) {
    let k = 0;
    for (let shift = 0; i < to; i++, shift += 8) k |= view.getUint8(i) << shift;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    high ^= k;
    low ^= k;
  }
  const length = to - from;
  high = finalMix(high ^ length);
  low = finalMix(low ^ length);
  fingerprint.high = high;
  fingerprint.low = high === 0 && low === 0 ? 1 : low;
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
