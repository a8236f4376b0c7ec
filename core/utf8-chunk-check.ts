/**
 * Strict streaming UTF-8 validation of byte chunks (what TextDecoder with `fatal` accepts), with
 * a character cut at a chunk's end carried to the next.
 */
import { isAscii, isUtf8 } from 'node:buffer';

export class Utf8ChunkCheck {
  /** The first bytes (1-3) of a character cut at the previous chunk's end. */
  private pending: Buffer | undefined;

  get pendingBytes(): number {
    return this.pending?.length ?? 0;
  }

  /**
   * Whether the bytes so far, with this chunk, are UTF-8 (a character cut at its end waits for the
   * next chunk). isAscii and isUtf8 are simdutf: a 256 KB chunk is checked in microseconds.
   */
  check(chunk: Buffer): boolean {
    let from = 0;
    if (this.pending !== undefined) {
      // Only the cut character is joined, never the chunk: most of the chunk is checked in place.
      const need = sequenceLength(this.pending[0]!) - this.pending.length;
      const take = Math.min(need, chunk.length);
      const joined = Buffer.concat([this.pending, chunk.subarray(0, take)]);
      if (take < need) {
        if (completeCharsEnd(joined) !== 0) return false; // no longer the start of a character
        this.pending = joined;
      } else {
        if (!isUtf8(joined)) return false;
        this.pending = undefined;
      }
      from = take;
    }
    const rest = from === 0 ? chunk : chunk.subarray(from);
    if (isAscii(rest)) return true;
    const end = completeCharsEnd(rest);
    if (!isUtf8(end === rest.length ? rest : rest.subarray(0, end))) return false;
    if (end < rest.length) this.pending = Buffer.from(rest.subarray(end));
    return true;
  }
}

/** The byte length of the character a valid lead byte (0xc2-0xf4) starts. */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

/**
 * Where the last character starts when the bytes end inside a valid beginning of one, else the
 * end: a sequence already invalid is left in, so isUtf8 refuses this chunk as TextDecoder would.
 */
export function completeCharsEnd(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const lead = bytes[n - back]!;
    if ((lead & 0xc0) === 0x80) continue; // a continuation byte: the character starts further back
    const length =
      lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 1;
    if (length <= back) return n;
    if (back >= 2) {
      // The second byte's range narrows for these leads (no overlongs, surrogates or > U+10FFFF).
      const second = bytes[n - back + 1]!;
      const [low, high] =
        lead === 0xe0
          ? [0xa0, 0xbf]
          : lead === 0xed
            ? [0x80, 0x9f]
            : lead === 0xf0
              ? [0x90, 0xbf]
              : lead === 0xf4
                ? [0x80, 0x8f]
                : [0x80, 0xbf];
      if (second < low || second > high) return n;
    }
    return n - back;
  }
  return n;
}
