/** Keeps an activity heartbeating while it awaits work that reports no progress of its own (SQL). */
import { Context } from '@temporalio/activity';

/**
 * Heartbeats every second (the SDK throttles what reaches the server): a worker that dies stops
 * heartbeating, and Temporal retries its activity elsewhere after the heartbeat timeout. Called in
 * an activity only; tests run activities in @temporalio/testing's MockActivityEnvironment.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
