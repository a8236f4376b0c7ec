/**
 * The worker process's batch threads: each runs one batch's passes (activities/batch-passes.ts) at a
 * time, so batches in one process use as many cores as there are threads. A thread that dies fails
 * its batch's attempt with a retryable error and is replaced; cancelling a batch terminates its thread.
 */
import { availableParallelism } from 'node:os';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { BatchPassesResult } from '../../activities/batch-passes';
import type { BatchThreadJob, JobMessage, ThreadMessage, ThreadProgress } from './batch-thread-messages';
import { reviveError } from './thread-errors';

/** When and on which thread a batch ran: what shows that batches share the process's cores. */
export interface BatchThreadSpan {
  threadId: number;
  batchId: string;
  /** Epoch milliseconds, from the job's hand-over to the thread to its result. */
  startedAt: number;
  endedAt: number;
}

export interface BatchThreadHooks {
  progress(progress: ThreadProgress): void;
  /** The activity's cancellation: a queued job is dropped, a running one's thread terminated. */
  signal: AbortSignal;
}

interface Running {
  id: number;
  job: BatchThreadJob;
  hooks: BatchThreadHooks;
  startedAt: number;
  resolve(result: BatchPassesResult): void;
  reject(error: unknown): void;
}

interface Thread {
  worker: Worker;
  running?: Running;
  /** The thread's uncaught error, reported when it exits. */
  error?: Error;
  /** Terminated on purpose (cancellation, close): its exit fails nothing more. */
  ending?: boolean;
}

interface Waiting {
  take(thread: Thread): void;
  cancel(): void;
}

const SPANS_KEPT = 64;
// The thread loads Loadout's TypeScript through tsx, as bin/loadout.js does (and a catalog's .ts files with it).
const BOOTSTRAP = new URL('./batch-thread-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./batch-thread.ts', import.meta.url).href;

/** Threads for batches when the setting says nothing: one per core the process may use. */
export function defaultBatchThreads(): number {
  return availableParallelism();
}

export class BatchThreadPool {
  private readonly threads = new Set<Thread>();
  private readonly idle: Thread[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly recent: BatchThreadSpan[] = [];
  private nextId = 0;

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 1)
      throw new Error(`a batch thread pool needs 1 or more threads, got ${size}`);
  }

  /** The batches run lately (the last 64), oldest first. */
  spans(): readonly BatchThreadSpan[] {
    return [...this.recent];
  }

  run(job: BatchThreadJob, hooks: BatchThreadHooks): Promise<BatchPassesResult> {
    return new Promise<BatchPassesResult>((resolve, reject) => {
      const { signal } = hooks;
      if (signal.aborted) return reject(signal.reason);
      const running: Running = { id: this.nextId++, job, hooks, startedAt: 0, resolve, reject };
      const start = (thread: Thread) => {
        running.startedAt = Date.now();
        thread.running = running;
        thread.worker.ref();
        thread.worker.postMessage({ type: 'job', id: running.id, job } satisfies JobMessage);
        signal.addEventListener('abort', () => this.cancel(thread, running), { once: true });
      };
      const thread = this.idle.pop() ?? (this.threads.size < this.size ? this.startThread() : undefined);
      if (thread !== undefined) return start(thread);
      const waiting: Waiting = {
        take: start,
        cancel: () => {
          this.waiting.splice(this.waiting.indexOf(waiting), 1);
          reject(signal.reason);
        },
      };
      this.waiting.push(waiting);
      signal.addEventListener('abort', () => this.waiting.includes(waiting) && waiting.cancel(), { once: true });
    });
  }

  /** Terminates every thread; running batches fail (retryably). */
  async close(): Promise<void> {
    await Promise.all([...this.threads].map((t) => t.worker.terminate()));
  }

  private startThread(): Thread {
    const worker = new Worker(BOOTSTRAP, { env: SHARE_ENV, workerData: { entry: ENTRY } });
    // Idle threads never keep a finished command's process alive (referenced while running a batch).
    worker.unref();
    const thread: Thread = { worker };
    this.threads.add(thread);
    worker.on('message', (message: ThreadMessage) => this.received(thread, message));
    worker.on('error', (error) => (thread.error = error));
    worker.on('exit', (code) => this.exited(thread, code));
    return thread;
  }

  private received(thread: Thread, message: ThreadMessage): void {
    const running = thread.running;
    if (running === undefined || message.id !== running.id) return;
    if (message.type === 'progress') {
      running.hooks.progress(message.progress);
      return;
    }
    this.finished(thread, running);
    if (message.type === 'done') running.resolve(message.result);
    else running.reject(reviveError(message.error));
    this.release(thread);
  }

  private finished(thread: Thread, running: Running): void {
    thread.running = undefined;
    thread.worker.unref();
    this.recent.push({
      threadId: thread.worker.threadId,
      batchId: running.job.batchId,
      startedAt: running.startedAt,
      endedAt: Date.now(),
    });
    if (this.recent.length > SPANS_KEPT) this.recent.shift();
  }

  private release(thread: Thread): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.take(thread);
    else this.idle.push(thread);
  }

  private cancel(thread: Thread, running: Running): void {
    if (thread.running !== running) return;
    thread.ending = true;
    this.finished(thread, running);
    // Rejected once the thread has stopped, so the activity removes its work dir after the last write.
    void thread.worker.terminate().then(() => running.reject(running.hooks.signal.reason));
  }

  private exited(thread: Thread, code: number): void {
    this.threads.delete(thread);
    const at = this.idle.indexOf(thread);
    if (at >= 0) this.idle.splice(at, 1);
    const running = thread.running;
    if (running !== undefined && !thread.ending) {
      this.finished(thread, running);
      const why = thread.error ? thread.error.message : `exit code ${code}`;
      // A plain Error: Temporal retries the attempt, on this worker or another.
      running.reject(
        new Error(`the thread processing batch ${running.job.batchId} stopped (${why}): the attempt is retried`),
      );
    }
    // A batch waiting for a thread gets a new one in its place.
    if (this.waiting.length > 0 && this.threads.size < this.size) this.waiting.shift()!.take(this.startThread());
  }
}

const pools = new Map<number, BatchThreadPool>();

/** The process's pool of `size` threads: every worker in the process shares it, as they share the cores. */
export function batchThreadPool(size: number): BatchThreadPool {
  let pool = pools.get(size);
  if (pool === undefined) {
    pool = new BatchThreadPool(size);
    pools.set(size, pool);
  }
  return pool;
}
