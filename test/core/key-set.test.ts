/** Key sets: a key is new once, as a Set of the lower-cased key says; addBytes agrees with add whatever the case. */
import { describe, expect, test } from 'vitest';
import { keySetFor } from '../../core/key-set';
import { mulberry32 } from '../helpers/catalog-samples';

function uuids(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const hex = () => Math.floor(random() * 16).toString(16);
  return Array.from({ length: count }, () =>
    [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, hex).join('')).join('-'),
  );
}

const NIL = '00000000-0000-0000-0000-000000000000';
/** Keys an empty-slot marker or a weak hash could confuse: the nil uuid, and uuids one bit from it or from each other. */
const NEAR_NIL = [
  NIL,
  '00000000-0000-0000-0000-000000000001',
  '80000000-0000-0000-0000-000000000000',
  '00000000-0000-0001-0000-000000000000',
];

describe('key sets', () => {
  test.each([1, 2, 3])(
    '%i-uuid keys: add and addBytes (upper, lower, mixed case) give the same verdicts, through growth',
    (width) => {
      const pool = [...NEAR_NIL, ...uuids(80_000, width)];
      const choices = [0, 80_000, 300, 60][width]! + NEAR_NIL.length;
      const reference = new Set<string>();
      const random = mulberry32(width * 17);
      const strings = keySetFor([...Array(width).keys()], true);
      const bytes = keySetFor([...Array(width).keys()], true);
      const at = new Int32Array(width);
      let fresh = 0,
        disagreements = 0;
      for (let i = 0; i < 120_000; i++) {
        // Few enough distinct keys that many repeat, more than 49,152 (3/4 of 2^16): the table grows from 2^10 several times.
        const key = Array.from({ length: width }, () => pool[Math.floor(random() * choices)]!);
        const cased = key.map((u) =>
          random() < 0.3 ? u.toUpperCase() : random() < 0.5 ? u.replace(/[a-f]/, (c) => c.toUpperCase()) : u,
        );
        const text = Buffer.from(`{${cased.map((u) => `"k":"${u}"`).join(',')}}`);
        let from = 0;
        for (let k = 0; k < width; k++) {
          at[k] = text.indexOf(cased[k]!, from);
          from = at[k]! + 36;
        }
        const expected = !reference.has(key.join());
        reference.add(key.join());
        if (strings.add(key) !== expected || bytes.addBytes!(text, at) !== expected) disagreements++;
        if (expected) fresh++;
      }
      expect(disagreements).toBe(0);
      expect(strings.size).toBe(reference.size);
      expect(bytes.size).toBe(reference.size);
      expect(fresh).toBeGreaterThan(49_152);
    },
  );

  test.each([1, 2, 3])('%i-uuid keys: the all-nil key is new once, and apart from keys near it', (width) => {
    const set = keySetFor([...Array(width).keys()], true);
    const nil = Array<string>(width).fill(NIL);
    const near = nil.map((u, i) => (i === width - 1 ? NEAR_NIL[1]! : u));
    expect([set.add(nil), set.add(near), set.add(nil), set.add(near)]).toEqual([true, true, false, false]);
    expect(set.size).toBe(2);
  });

  test('keys that are not all uuids have no addBytes', () => {
    expect(keySetFor([0], false).addBytes).toBeUndefined();
  });
});
