/** Seeded randomness: a fast sfc32 generator, draws from distributions, and uuids unique by construction. */

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` separates independent sequences drawn from the same seed. */
  constructor(seed: number, stream = 0) {
    const low = seed >>> 0,
      high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    this.a = 0x9e3779b9 ^ low;
    this.b = 0x243f6a88 ^ high;
    this.c = 0xb7e15162 ^ Math.imul(stream + 1, 0x85ebca6b);
    this.d = 1;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 0x1_0000_0000;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Poisson by inversion: fine for the small means used here. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0,
      p = this.next();
    while (p > limit && k < 1000) {
      k++;
      p *= this.next();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight from `[item, weight]` pairs. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let r = this.next() * total;
    for (const [item, w] of choices) {
      r -= w;
      if (r < 0) return item;
    }
    return choices[choices.length - 1]![0];
  }

  /** Lower-case base-36 characters. */
  base36(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHABET[this.u32() % 36];
    return s;
  }
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(x: number): string {
  return HEX2[x >>> 24]! + HEX2[(x >>> 16) & 255]! + HEX2[(x >>> 8) & 255]! + HEX2[x & 255]!;
}

function hex4(x: number): string {
  return HEX2[(x >>> 8) & 255]! + HEX2[x & 255]!;
}

/** A bijection of 32-bit integers (xorshift-multiply), so distinct counters give distinct words. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Version-4-shaped lower-case uuids. The first 32 bits are a bijection of a counter, so two uuids
 * of one source never collide (below 2^32 of them): `expected` counts rely on that, not on luck.
 */
export class UuidSource {
  private counter = 0;
  private readonly salt: number;
  private readonly random: Random;

  constructor(seed: number, stream: number) {
    this.random = new Random(seed, stream);
    this.salt = this.random.u32();
  }

  next(): string {
    const w0 = mix32((this.counter++ ^ this.salt) >>> 0);
    const w1 = this.random.u32(),
      w2 = this.random.u32(),
      w3 = this.random.u32();
    return `${hex8(w0)}-${hex4(w1 >>> 16)}-${hex4((w1 & 0x0fff) | 0x4000)}-${hex4(((w2 >>> 16) & 0x3fff) | 0x8000)}-${hex4(w2)}${hex8(w3)}`;
  }
}
