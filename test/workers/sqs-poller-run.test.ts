/** The SQS poller's run() loop against real moto S3 -> SQS notifications and a real Temporal dev server. */
import { describe, expect, test } from 'vitest';
import { objectMarkerKey } from '../../core/batch-id';
import { RAW_LOCATION, depth, lake, poller, queue, upload, useSqsPollerHarness } from '../helpers/sqs-poller-harness';

useSqsPollerHarness();

describe('SqsPoller', () => {
  test('run() polls until aborted, and the abort cuts a 20 s long poll short', async () => {
    const stop = new AbortController();
    const logged: string[] = [];
    const polling = poller({ waitSeconds: 20, log: (m) => logged.push(m) }).run(stop.signal);
    await upload('raw/2026/11/22/13/e.gz', 2);
    const deadline = Date.now() + 15_000;
    while ((await lake.head(objectMarkerKey(RAW_LOCATION, '2026/11/22/13/e.gz'))) === undefined) {
      if (Date.now() > deadline) throw new Error('the running poller did not process e.gz');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Now it sits in a long poll of an empty queue.
    await new Promise((r) => setTimeout(r, 300));
    const aborted = Date.now();
    stop.abort();
    await polling;
    expect(Date.now() - aborted).toBeLessThan(2_000);
    expect(logged.filter((m) => m.includes('failed'))).toEqual([]);
    expect(await depth(queue.queueUrl)).toBe(0);
  });
});
