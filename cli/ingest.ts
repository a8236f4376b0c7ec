/** Ingests every raw object under a location through fileBatch workflows and gathers their results. */
import type { Client } from '@temporalio/client';
import { startOrFindFileBatch } from '../workers/start-file-batch';
import { batchIdOf, type RawObjectRef } from '../core/batch-id';
import { fileBatchWorkflowId } from '../workflows/workflow-ids';
import { isRawDataKey, planBatches, type BatchLimits } from '../core/plan-batches';
import type { ObjectStore, UnprocessableObject } from '../stores/object/object-store';
import { quarantineListed } from '../activities/quarantine-listed';
import { innermostMessage } from '../core/errors';
import type { FileBatchInput, FileBatchResult } from '../workflows/file-batch-types';

export interface IngestOptions {
  client: Client;
  taskQueue: string;
  source: ObjectStore;
  limits: BatchLimits;
  environment: string;
  tables?: string[];
  /** Only keys under this prefix of the source. */
  prefix?: string;
  /** Where objects the listing cannot address are quarantined (kind 'invalid-key'); without it they are only counted. */
  lake?: ObjectStore;
  onProgress?: (done: number, total: number) => void;
  /** Split the objects into at least this many batches (when there are as many objects), so several workers share them. */
  minBatches?: number;
  /** Each batch split off for minBatches holds at least this many bytes (listed sizes): a small location stays one batch. */
  minBatchBytes?: number;
}

export interface IngestOutcome {
  files: number;
  /** Objects listed that no batch can read by key (a newline in a name, bytes that are not UTF-8, a link leaving the root). */
  unprocessable: UnprocessableObject[];
  batches: FileBatchResult[];
  /** Batches an earlier run had completed: their results are reused, nothing was processed for them now. */
  completedEarlier: string[];
  failures: { workflowId: string; objects: string[]; message: string }[];
}

export async function listRawObjects(
  source: ObjectStore,
  prefix = '',
  onUnprocessable?: (object: UnprocessableObject) => void,
): Promise<RawObjectRef[]> {
  const objects: RawObjectRef[] = [];
  for await (const info of source.list(prefix, { onUnprocessable })) {
    if (isRawDataKey(info.key))
      objects.push({ key: info.key, size: info.size, etag: info.etag, modified: info.lastModified.toISOString() });
  }
  return objects;
}

/**
 * Starts one fileBatch per planned batch. A batch that already completed is not run again (its id
 * is taken and only a failed run may be repeated); its recorded result is used instead.
 */
export async function ingestLocation(options: IngestOptions): Promise<IngestOutcome> {
  const unprocessable: UnprocessableObject[] = [];
  const objects = await listRawObjects(options.source, options.prefix, (o) => unprocessable.push(o));
  if (options.lake) await quarantineListed(options.lake, options.source.location, unprocessable, undefined);
  const bytes = objects.reduce((n, o) => n + o.size, 0);
  const worthIt = options.minBatchBytes ? Math.max(1, Math.floor(bytes / options.minBatchBytes)) : Infinity;
  const spread = Math.max(1, Math.ceil(objects.length / Math.min(Math.max(1, options.minBatches ?? 1), worthIt)));
  const batches = planBatches(objects, { ...options.limits, maxObjects: Math.min(options.limits.maxObjects, spread) });
  let done = 0;
  options.onProgress?.(0, batches.length);
  const settled = await Promise.all(
    batches.map(async (batch) => {
      const workflowId = fileBatchWorkflowId(batchIdOf(options.source.location, batch), options.environment);
      try {
        const { result, completedEarlier } = await runOrReuseFileBatch(options.client, workflowId, options.taskQueue, {
          source: options.source.location,
          objects: batch,
          tables: options.tables,
          environment: options.environment,
        });
        return { ok: true as const, result, completedEarlier };
      } catch (error) {
        return {
          ok: false as const,
          failure: { workflowId, objects: batch.map((o) => o.key), message: innermostMessage(error) },
        };
      } finally {
        options.onProgress?.(++done, batches.length);
      }
    }),
  );
  return {
    files: objects.length,
    unprocessable,
    batches: settled.flatMap((s) => (s.ok ? [s.result] : [])),
    completedEarlier: settled.flatMap((s) => (s.ok && s.completedEarlier ? [s.result.batchId] : [])),
    failures: settled.flatMap((s) => (s.ok ? [] : [s.failure])),
  };
}

export async function runFileBatch(
  client: Client,
  workflowId: string,
  taskQueue: string,
  input: FileBatchInput,
): Promise<FileBatchResult> {
  return (await runOrReuseFileBatch(client, workflowId, taskQueue, input)).result;
}

/** The batch's result, and whether an earlier run had produced it. */
async function runOrReuseFileBatch(
  client: Client,
  workflowId: string,
  taskQueue: string,
  input: FileBatchInput,
): Promise<{ result: FileBatchResult; completedEarlier: boolean }> {
  const { handle, completedEarlier } = await startOrFindFileBatch(client, workflowId, taskQueue, input);
  return { result: (await handle.result()) as FileBatchResult, completedEarlier };
}
