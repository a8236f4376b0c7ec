/** The listNewObjects activity: raw objects after a watermark that no batch has processed yet. */
import { Context } from '@temporalio/activity';
import { batchIdOf, fileBatchWorkflowId, objectMarkerKey, type RawObjectRef } from '../core/batch-id';
import { isRawDataKey, planBatches } from '../core/plan-batches';
import type { ObjectStore } from '../stores/object/object-store';
import type { StoreCache } from './store-cache';

export interface ListNewObjectsInput {
  source: string;
  /** List keys after this one (exclusive); absent: from the start. */
  startAfter?: string;
  /** At most this many objects per call, so the workflow's payloads stay small. */
  limit: number;
  batchObjects: number;
  batchBytes: number;
}

export interface PlannedBatch {
  workflowId: string;
  objects: RawObjectRef[];
}

export interface ListNewObjectsResult {
  /** Grouped and named here, where hashing is allowed: the same ids the CLI and SQS poller use. */
  batches: PlannedBatch[];
  /** The last key looked at: the next call's startAfter. */
  lastKey?: string;
  /** True when the listing reached the end of the source. */
  exhausted: boolean;
}

export async function listNewObjects(deps: { lake: ObjectStore; stores: StoreCache }, input: ListNewObjectsInput): Promise<ListNewObjectsResult> {
  const source = deps.stores.open(input.source);
  const objects: RawObjectRef[] = [];
  let lastKey = input.startAfter;
  let seen = 0;
  for await (const info of source.list('', { startAfter: input.startAfter })) {
    lastKey = info.key;
    if (++seen % 500 === 0) Context.current().heartbeat({ lastKey });
    if (!isRawDataKey(info.key)) continue;
    // Reconciliation passes list keys again: the marker says whether a batch already took the object.
    const marker = await deps.lake.head(objectMarkerKey(input.source, info.key));
    if (marker !== undefined) continue;
    objects.push({ key: info.key, size: info.size, etag: info.etag });
    if (objects.length >= input.limit) return { batches: plan(input, objects), lastKey, exhausted: false };
  }
  return { batches: plan(input, objects), lastKey, exhausted: true };
}

function plan(input: ListNewObjectsInput, objects: RawObjectRef[]): PlannedBatch[] {
  return planBatches(objects, { maxObjects: input.batchObjects, maxBytes: input.batchBytes }).map((batch) => ({
    workflowId: fileBatchWorkflowId(batchIdOf(input.source, batch)),
    objects: batch,
  }));
}
