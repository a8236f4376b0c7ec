/** The listNewObjects activity: raw objects after a watermark that no batch has processed yet. */
import { Context } from '@temporalio/activity';
import { batchIdOf, objectMarkerKey, type RawObjectRef } from '../core/batch-id';
import { fileBatchWorkflowId } from '../workflows/workflow-ids';
import { isRawDataKey, planBatches } from '../core/plan-batches';
import { ObjectNotFoundError, type ObjectStore, type UnprocessableObject } from '../stores/object/object-store';
import { quarantineListed } from './quarantine-listed';
import type { StoreCache } from './store-cache';

export interface ListNewObjectsInput {
  source: string;
  /** Part of the batches' workflow ids (see fileBatchWorkflowId). */
  environment?: string;
  /** List keys after this one (exclusive); absent: from the start. */
  startAfter?: string;
  /** At most this many objects per call, so the workflow's payloads stay small. */
  limit: number;
  batchObjects: number;
  batchBytes: number;
  /**
   * Objects modified less than this many seconds ago are left alone, and the listing stops before
   * the first of them (so the watermark never passes it): when SQS discovery runs too, its
   * notification starts them, and listing only reconciles the ones whose notification never came.
   * 0 or absent: take every object.
   */
  settleSeconds?: number;
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
  /** Objects no key can address, newly quarantined by this call (see quarantine-listed.ts). */
  quarantined: number;
}

export async function listNewObjects(
  deps: { lake: ObjectStore; stores: StoreCache },
  input: ListNewObjectsInput,
): Promise<ListNewObjectsResult> {
  const unprocessable: UnprocessableObject[] = [];
  const listed = await listPage(deps, input, unprocessable);
  const quarantined = await quarantineListed(
    deps.lake,
    input.source,
    unprocessable,
    Context.current().info.workflowExecution?.workflowId,
  );
  return { ...listed, quarantined };
}

async function listPage(
  deps: { lake: ObjectStore; stores: StoreCache },
  input: ListNewObjectsInput,
  unprocessable: UnprocessableObject[],
): Promise<Omit<ListNewObjectsResult, 'quarantined'>> {
  const source = deps.stores.open(input.source);
  const objects: RawObjectRef[] = [];
  let lastKey = input.startAfter;
  let seen = 0;
  const settledBefore = input.settleSeconds ? Date.now() - input.settleSeconds * 1000 : undefined;
  // Unaddressable objects do not move the watermark: a later pass meets them again, and skips them once recorded.
  const onUnprocessable = (object: UnprocessableObject) => {
    if (isRawDataKey(object.key)) unprocessable.push(object);
  };
  for await (const info of source.list('', { startAfter: input.startAfter, onUnprocessable })) {
    if (++seen % 500 === 0) Context.current().heartbeat({ lastKey });
    if (!isRawDataKey(info.key)) {
      lastKey = info.key;
      continue;
    }
    // Reconciliation passes list keys again: the marker says whether a batch already took the object.
    if (await processedAlready(deps.lake, input.source, info)) {
      lastKey = info.key;
      continue;
    }
    if (settledBefore !== undefined && info.lastModified.getTime() > settledBefore) {
      return { batches: plan(input, objects), lastKey, exhausted: true };
    }
    lastKey = info.key;
    objects.push({ key: info.key, size: info.size, etag: info.etag, modified: info.lastModified.toISOString() });
    if (objects.length >= input.limit) return { batches: plan(input, objects), lastKey, exhausted: false };
  }
  return { batches: plan(input, objects), lastKey, exhausted: true };
}

/** Processed: a batch wrote the object's marker for this very content (a rewritten object, new etag, is new). */
async function processedAlready(
  lake: ObjectStore,
  source: string,
  info: { key: string; etag: string },
): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    // One GET instead of a HEAD: as cheap, and the etag inside is what decides.
    bytes = await lake.readBytes(objectMarkerKey(source, info.key));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
  try {
    const marker = JSON.parse(Buffer.from(bytes).toString('utf8')) as { etag?: unknown };
    return marker.etag === info.etag;
  } catch {
    // An unreadable marker says nothing: list the object, fileBatch decides.
    return false;
  }
}

function plan(input: ListNewObjectsInput, objects: RawObjectRef[]): PlannedBatch[] {
  return planBatches(objects, { maxObjects: input.batchObjects, maxBytes: input.batchBytes }).map((batch) => ({
    workflowId: fileBatchWorkflowId(batchIdOf(input.source, batch), input.environment),
    objects: batch,
  }));
}
