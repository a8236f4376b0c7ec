/** Keeps an activity heartbeating while it awaits work that reports no progress of its own (SQL). */
import { Context } from '@temporalio/activity';

/**
 * Heartbeats every second (the SDK throttles what reaches the server): a worker that dies stops
 * heartbeating, and Temporal retries its activity elsewhere after the heartbeat timeout.
 * Outside an activity (tests calling activities directly) it just runs the work.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  const timer = setInterval(() => context.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
