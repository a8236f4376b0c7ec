/** The in-batch uniqueness pass: the only state kept across records is the set of keys seen. */

export class KeySet {
  private readonly seen = new Set<string>();

  /** True the first time a key is added, false for a duplicate. */
  add(key: string): boolean {
    const before = this.seen.size;
    this.seen.add(key);
    return this.seen.size !== before;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** Builds a row's key from its key columns; \u0001 cannot occur in a uuid, so compound keys never collide. */
export function keyOf(row: readonly unknown[], keyIndexes: readonly number[]): string {
  if (keyIndexes.length === 1) return String(row[keyIndexes[0]!]);
  let key = String(row[keyIndexes[0]!]);
  for (let i = 1; i < keyIndexes.length; i++) key += '\u0001' + String(row[keyIndexes[i]!]);
  return key;
}
