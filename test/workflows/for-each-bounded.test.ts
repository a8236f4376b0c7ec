/** forEachBounded: every item once, never more than the limit at a time, the next started as soon as a slot frees. */
import { describe, expect, test } from 'vitest';
import { forEachBounded } from '../../workflows/for-each-bounded';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachBounded', () => {
  test.each([1, 2, 3, 10])('limit %i: each item once, in order of start, at most the limit at once', async (limit) => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    await forEachBounded(items, limit, async (item) => {
      started.push(item);
      most = Math.max(most, ++running);
      for (let i = 0; i < (item % 3) + 1; i++) await tick();
      running--;
    });
    expect(started).toEqual(items);
    expect(most).toBe(Math.min(limit, items.length));
  });

  test('a slow item holds one slot, not a wave: the others pass it', async () => {
    const order: string[] = [];
    await forEachBounded(['slow', 'a', 'b', 'c'], 2, async (item) => {
      order.push(`start ${item}`);
      for (let i = 0; i < (item === 'slow' ? 10 : 1); i++) await tick();
      order.push(`end ${item}`);
    });
    // In waves, b would wait for slow; here it starts as soon as a ends.
    expect(order.indexOf('start b')).toBeLessThan(order.indexOf('end slow'));
    expect(order.indexOf('start c')).toBeLessThan(order.indexOf('end slow'));
  });

  test('no items, and a limit below one, still work', async () => {
    await forEachBounded([], 4, async () => {
      throw new Error('never called');
    });
    const seen: number[] = [];
    await forEachBounded([1, 2], 0, async (n) => void seen.push(n));
    expect(seen).toEqual([1, 2]);
  });
});
