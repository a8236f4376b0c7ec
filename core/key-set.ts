/** The in-batch uniqueness pass: the only state kept across records is the set of keys seen. */

/** A set of keys; add() is true the first time a key is seen, false for a duplicate. */
export interface KeySet {
  add(row: readonly unknown[]): boolean;
  /**
   * The same for a key read by the byte-level fast lane: the key fields' uuids as bytes (hex
   * digits of either case) at `at[0..]`, in key order. Only sets of uuid keys have it.
   */
  readonly addBytes?: (bytes: Uint8Array, at: Int32Array) => boolean;
  readonly size: number;
}

/** Keys of any shape: their values joined (\u0001 cannot occur in validated values of key fields). */
class StringKeySet implements KeySet {
  private readonly seen = new Set<string>();

  constructor(private readonly keyIndexes: readonly number[]) {}

  add(row: readonly unknown[]): boolean {
    const idx = this.keyIndexes;
    let key = String(row[idx[0]!]);
    for (let i = 1; i < idx.length; i++) key += '\u0001' + String(row[idx[i]!]);
    const before = this.seen.size;
    this.seen.add(key);
    return this.seen.size !== before;
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * Keys made of uuids (every key of the shipped catalog), held as raw 128-bit values in one
 * open-addressing table: 16 bytes a uuid instead of a ~90-byte string entry in a Set, and no
 * string hashing. A batch of a few million events keeps its keys in tens of MB.
 */
class UuidKeySet implements KeySet {
  private words: Int32Array;
  private used: Uint8Array;
  /**
   * Starts small and doubles: a batch of 300 small tables allocated 1 MiB a table at 1 << 16
   * (docs/benchmarks.md, "Many event types in the core"); a large table's few early rehashes cost little.
   */
  private capacity = 1 << 10;
  private count = 0;
  private readonly width: number;
  private readonly scratch: Int32Array;

  constructor(private readonly keyIndexes: readonly number[]) {
    this.width = keyIndexes.length * 4;
    this.words = new Int32Array(this.capacity * this.width);
    this.used = new Uint8Array(this.capacity);
    this.scratch = new Int32Array(this.width);
  }

  add(row: readonly unknown[]): boolean {
    // Linear probing stays short up to three quarters full.
    if (this.count * 4 >= this.capacity * 3) this.grow();
    if (this.width === 4) return this.addOne(row[this.keyIndexes[0]!] as string);
    if (this.width === 8) return this.addTwo(row[this.keyIndexes[0]!] as string, row[this.keyIndexes[1]!] as string);
    const key = this.scratch;
    for (let k = 0; k < this.keyIndexes.length; k++) packUuid(row[this.keyIndexes[k]!] as string, key, k * 4);
    return this.insert(key, 0);
  }

  get size(): number {
    return this.count;
  }

  readonly addBytes = (bytes: Uint8Array, at: Int32Array): boolean => {
    if (this.count * 4 >= this.capacity * 3) this.grow();
    const a = at[0]!;
    const w0 = (byteHex4(bytes, a) << 16) | byteHex4(bytes, a + 4);
    const w1 = (byteHex4(bytes, a + 9) << 16) | byteHex4(bytes, a + 14);
    const w2 = (byteHex4(bytes, a + 19) << 16) | byteHex4(bytes, a + 24);
    const w3 = (byteHex4(bytes, a + 28) << 16) | byteHex4(bytes, a + 32);
    if (this.width === 4) return this.insertOne(w0, w1, w2, w3);
    if (this.width === 8) {
      const b = at[1]!;
      return this.insertTwo(
        w0,
        w1,
        w2,
        w3,
        (byteHex4(bytes, b) << 16) | byteHex4(bytes, b + 4),
        (byteHex4(bytes, b + 9) << 16) | byteHex4(bytes, b + 14),
        (byteHex4(bytes, b + 19) << 16) | byteHex4(bytes, b + 24),
        (byteHex4(bytes, b + 28) << 16) | byteHex4(bytes, b + 32),
      );
    }
    const key = this.scratch;
    key[0] = w0;
    key[1] = w1;
    key[2] = w2;
    key[3] = w3;
    for (let k = 1; k < this.keyIndexes.length; k++) {
      const b = at[k]!;
      key[k * 4] = (byteHex4(bytes, b) << 16) | byteHex4(bytes, b + 4);
      key[k * 4 + 1] = (byteHex4(bytes, b + 9) << 16) | byteHex4(bytes, b + 14);
      key[k * 4 + 2] = (byteHex4(bytes, b + 19) << 16) | byteHex4(bytes, b + 24);
      key[k * 4 + 3] = (byteHex4(bytes, b + 28) << 16) | byteHex4(bytes, b + 32);
    }
    return this.insert(key, 0);
  };

  /** The single-uuid key (most shipped tables): words in locals, no scratch array or loops. */
  private addOne(uuid: string): boolean {
    return this.insertOne(
      (hex4(uuid, 0) << 16) | hex4(uuid, 4),
      (hex4(uuid, 9) << 16) | hex4(uuid, 14),
      (hex4(uuid, 19) << 16) | hex4(uuid, 24),
      (hex4(uuid, 28) << 16) | hex4(uuid, 32),
    );
  }

  private insertOne(w0: number, w1: number, w2: number, w3: number): boolean {
    const words = this.words,
      used = this.used;
    const mask = this.capacity - 1;
    let slot = finish(mix(mix(mix(mix(SEED, w0), w1), w2), w3)) & mask;
    for (;;) {
      const base = slot * 4;
      if (used[slot] === 0) {
        words[base] = w0;
        words[base + 1] = w1;
        words[base + 2] = w2;
        words[base + 3] = w3;
        used[slot] = 1;
        this.count++;
        return true;
      }
      if (words[base] === w0 && words[base + 1] === w1 && words[base + 2] === w2 && words[base + 3] === w3)
        return false;
      slot = (slot + 1) & mask;
    }
  }

  /** The same for a key of two uuids (damage_taken, match_end). */
  private addTwo(first: string, second: string): boolean {
    return this.insertTwo(
      (hex4(first, 0) << 16) | hex4(first, 4),
      (hex4(first, 9) << 16) | hex4(first, 14),
      (hex4(first, 19) << 16) | hex4(first, 24),
      (hex4(first, 28) << 16) | hex4(first, 32),
      (hex4(second, 0) << 16) | hex4(second, 4),
      (hex4(second, 9) << 16) | hex4(second, 14),
      (hex4(second, 19) << 16) | hex4(second, 24),
      (hex4(second, 28) << 16) | hex4(second, 32),
    );
  }

  private insertTwo(
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    w4: number,
    w5: number,
    w6: number,
    w7: number,
  ): boolean {
    const words = this.words,
      used = this.used;
    const mask = this.capacity - 1;
    let slot = finish(mix(mix(mix(mix(mix(mix(mix(mix(SEED, w0), w1), w2), w3), w4), w5), w6), w7)) & mask;
    for (;;) {
      const base = slot * 8;
      if (used[slot] === 0) {
        words[base] = w0;
        words[base + 1] = w1;
        words[base + 2] = w2;
        words[base + 3] = w3;
        words[base + 4] = w4;
        words[base + 5] = w5;
        words[base + 6] = w6;
        words[base + 7] = w7;
        used[slot] = 1;
        this.count++;
        return true;
      }
      if (
        words[base] === w0 &&
        words[base + 1] === w1 &&
        words[base + 2] === w2 &&
        words[base + 3] === w3 &&
        words[base + 4] === w4 &&
        words[base + 5] === w5 &&
        words[base + 6] === w6 &&
        words[base + 7] === w7
      )
        return false;
      slot = (slot + 1) & mask;
    }
  }

  private insert(key: Int32Array, at: number): boolean {
    const width = this.width;
    const mask = this.capacity - 1;
    let h = SEED;
    for (let i = 0; i < width; i++) h = mix(h, key[at + i]!);
    let slot = finish(h) & mask;
    for (;;) {
      const base = slot * width;
      if (this.used[slot] === 0) {
        for (let i = 0; i < width; i++) this.words[base + i] = key[at + i]!;
        this.used[slot] = 1;
        this.count++;
        return true;
      }
      let same = true;
      for (let i = 0; i < width; i++) {
        if (this.words[base + i] !== key[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return false;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { words, used, width } = this;
    const oldCapacity = this.capacity;
    this.capacity *= 2;
    this.words = new Int32Array(this.capacity * width);
    this.used = new Uint8Array(this.capacity);
    this.count = 0;
    for (let slot = 0; slot < oldCapacity; slot++) {
      if (used[slot] === 1) this.insert(words, slot * width);
    }
  }
}

// Value of a lower-case hex digit by character code (uuids are validated and lower-cased before).
const HEX_VALUE = new Int32Array(128);
for (let d = 0; d < 16; d++) HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;

// The same by byte, either case (the fast lane's uuids are validated but not yet lower-cased).
const BYTE_HEX_VALUE = new Int32Array(256);
for (let d = 0; d < 16; d++) {
  BYTE_HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
  BYTE_HEX_VALUE['0123456789ABCDEF'.charCodeAt(d)] = d;
}

function byteHex4(b: Uint8Array, at: number): number {
  return (
    (BYTE_HEX_VALUE[b[at]!]! << 12) |
    (BYTE_HEX_VALUE[b[at + 1]!]! << 8) |
    (BYTE_HEX_VALUE[b[at + 2]!]! << 4) |
    BYTE_HEX_VALUE[b[at + 3]!]!
  );
}

/** Four hex digits at `at` as a 16-bit value. */
function hex4(s: string, at: number): number {
  return (
    (HEX_VALUE[s.charCodeAt(at)]! << 12) |
    (HEX_VALUE[s.charCodeAt(at + 1)]! << 8) |
    (HEX_VALUE[s.charCodeAt(at + 2)]! << 4) |
    HEX_VALUE[s.charCodeAt(at + 3)]!
  );
}

/** The 32 hex digits of a uuid (8-4-4-4-12) as four 32-bit words, by character codes: no substrings. */
function packUuid(uuid: string, into: Int32Array, at: number): void {
  into[at] = (hex4(uuid, 0) << 16) | hex4(uuid, 4);
  into[at + 1] = (hex4(uuid, 9) << 16) | hex4(uuid, 14);
  into[at + 2] = (hex4(uuid, 19) << 16) | hex4(uuid, 24);
  into[at + 3] = (hex4(uuid, 28) << 16) | hex4(uuid, 32);
}

const SEED = 0x9e3779b9 | 0;

function mix(h: number, word: number): number {
  h = Math.imul(h ^ word, 0x85ebca6b);
  return h ^ (h >>> 13);
}

function finish(h: number): number {
  h = Math.imul(h, 0xc2b2ae35 | 0);
  return h ^ (h >>> 16);
}

/** The compact set when every key field is a uuid, the general one otherwise. */
export function keySetFor(keyIndexes: readonly number[], allUuids: boolean): KeySet {
  return allUuids ? new UuidKeySet(keyIndexes) : new StringKeySet(keyIndexes);
}
