/** The in-batch uniqueness pass: the only state kept across records is the set of keys seen. */

/** A set of keys; add() is true the first time a key is seen, false for a duplicate. */
export interface KeySet {
  add(row: readonly unknown[]): boolean;
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
  private words: Uint32Array;
  private used: Uint8Array;
  private capacity = 1 << 16;
  private count = 0;
  private readonly width: number;
  private readonly scratch: Uint32Array;

  constructor(private readonly keyIndexes: readonly number[]) {
    this.width = keyIndexes.length * 4;
    this.words = new Uint32Array(this.capacity * this.width);
    this.used = new Uint8Array(this.capacity);
    this.scratch = new Uint32Array(this.width);
  }

  add(row: readonly unknown[]): boolean {
    const key = this.scratch;
    for (let k = 0; k < this.keyIndexes.length; k++) {
      packUuid(row[this.keyIndexes[k]!] as string, key, k * 4);
    }
    // Linear probing stays short up to three quarters full.
    if (this.count * 4 >= this.capacity * 3) this.grow();
    return this.insert(key);
  }

  get size(): number {
    return this.count;
  }

  private insert(key: Uint32Array): boolean {
    const width = this.width;
    const mask = this.capacity - 1;
    let slot = hash(key) & mask;
    for (;;) {
      if (this.used[slot] === 0) {
        this.words.set(key, slot * width);
        this.used[slot] = 1;
        this.count++;
        return true;
      }
      const base = slot * width;
      let same = true;
      for (let i = 0; i < width; i++) {
        if (this.words[base + i] !== key[i]) {
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
    this.words = new Uint32Array(this.capacity * width);
    this.used = new Uint8Array(this.capacity);
    this.count = 0;
    for (let slot = 0; slot < oldCapacity; slot++) {
      if (used[slot] === 1) this.insert(words.subarray(slot * width, slot * width + width));
    }
  }
}

/**
 * The 32 hex digits of a validated, lower-case uuid as four 32-bit words, by character codes:
 * no substrings, since this runs for every event.
 */
function packUuid(uuid: string, into: Uint32Array, at: number): void {
  let word = 0;
  let digits = 0;
  let w = at;
  for (let i = 0; i < 36; i++) {
    const c = uuid.charCodeAt(i);
    if (c === 45) continue;
    word = (word << 4) | (c <= 57 ? c - 48 : c - 87);
    if (++digits === 8) {
      into[w++] = word >>> 0;
      word = 0;
      digits = 0;
    }
  }
}

function hash(key: Uint32Array): number {
  let h = 0x9e3779b9;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key[i]!, 0x85ebca6b);
    h ^= h >>> 13;
  }
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The compact set when every key field is a uuid, the general one otherwise. */
export function keySetFor(keyIndexes: readonly number[], allUuids: boolean): KeySet {
  return allUuids ? new UuidKeySet(keyIndexes) : new StringKeySet(keyIndexes);
}
