/**
 * A sliding window for workflow fan-out: `work` over `items`, at most `limit` at a time, each next
 * item started as soon as one finishes, in order of start. Deterministic (no timers, no I/O), so
 * workflows use it: replay for its child batches, load for its tables.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
