/**
 * The CPU-heavy part of processFileBatch: the batch's raw objects read through the core into
 * Parquet parts in a work dir, with the objects found unreadable. No Temporal imports: it runs on
 * the activity's thread or on a worker thread (workers/batch-threads/).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BatchProcessor, type BatchOutput } from '../core/batch-processor';
import { objectTimeSpan } from '../core/object-time';
import type { RawObjectRef } from '../core/batch-id';
import type { PersonalDataKeys } from '../core/personal/personal-data';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import { contentFaultOf, readFaultOf, type ObjectFault } from './object-faults';

/** What the passes need besides the catalog and the raw store: plain data, so it crosses to a thread. */
export interface BatchPassesJob {
  batchId: string;
  source: string;
  todo: RawObjectRef[];
  tables?: string[];
  personal: PersonalDataKeys;
  erased: Set<string>;
  workDir: string;
}

export interface BatchPassesResult {
  output: BatchOutput;
  /** The unreadable objects by key, in the order they were found. */
  faults: [string, ObjectFault][];
}

/** Reading object `object` (index in `todo`) at `bytes`, or finishing the batch (writing its files). */
export type BatchProgress = { object: number; key: string; bytes: number } | { finishing: true };

export interface BatchPassesHooks {
  /** Called as bytes are read; may throw to stop the batch (the activity's cancellation). */
  progress(progress: BatchProgress): void;
  /** Wraps the batch's finish (the Parquet footers and side files), e.g. to heartbeat while it runs. */
  finishing<T>(work: () => Promise<T>): Promise<T>;
}

export async function runBatchPasses(
  catalog: Catalog,
  raw: ObjectStore,
  job: BatchPassesJob,
  hooks: BatchPassesHooks,
): Promise<BatchPassesResult> {
  // An object found unreadable after some of its lines were taken leaves them in the batch's
  // state: the batch is processed again without it. Each pass quarantines at least one more
  // object, and a bad object that fails on its first bytes (most do) costs no second pass.
  const faults = new Map<string, ObjectFault>();
  for (let pass = 0; ; pass++) {
    const passDir = join(job.workDir, `pass-${pass}`);
    const processor = new BatchProcessor({
      catalog,
      workDir: passDir,
      tables: job.tables,
      personal: job.personal,
      erased: job.erased,
      lineage: { batchId: job.batchId, source: job.source },
    });
    let tainted = false;
    for (const [index, object] of job.todo.entries()) {
      if (faults.has(object.key)) continue;
      const progress = (bytes: number) => hooks.progress({ object: index, key: object.key, bytes });
      const found = await processOne(processor, raw, object, progress);
      if (found === undefined) continue;
      const { tainted: taken, ...fault } = found;
      faults.set(object.key, fault);
      tainted ||= taken;
    }
    if (!tainted) {
      hooks.progress({ finishing: true });
      const output = await hooks.finishing(() => processor.finish());
      return { output, faults: [...faults] };
    }
    await rm(passDir, { recursive: true, force: true });
  }
}

/** Reads one object into the batch: undefined when it was read, else its fault (the stream is closed either way). */
async function processOne(
  processor: BatchProcessor,
  raw: ObjectStore,
  object: RawObjectRef,
  progress: (bytes: number) => void,
): Promise<(ObjectFault & { tainted: boolean }) | undefined> {
  let stream: Readable;
  try {
    stream = await raw.read(object.key);
  } catch (error) {
    const fault = readFaultOf(error, object.key);
    if (fault === undefined) throw error;
    return { ...fault, tainted: false };
  }
  try {
    // Drift's first/last seen use the time replay selects by, so the window it suggests finds the objects.
    // A creation time that does not parse (a malformed notification) counts as now, never as a fault.
    const modified = object.modified === undefined ? Number.NaN : Date.parse(object.modified);
    const seenAt = new Date(
      objectTimeSpan(object.key, new Date(Number.isNaN(modified) ? Date.now() : modified)).start,
    ).toISOString();
    const unreadable = await processor.processObject(object.key, stream, (stats) => progress(stats.bytesIn), seenAt);
    return unreadable === undefined
      ? undefined
      : { ...contentFaultOf(unreadable, object.key), tainted: unreadable.tainted };
  } catch (error) {
    // Read errors that show only once streaming (e.g. access denied by a KMS key) are classified the same way.
    const fault = readFaultOf(error, object.key);
    if (fault === undefined) throw error;
    return { ...fault, tainted: true };
  } finally {
    stream.destroy();
  }
}
