/** The listReplayObjects activity: one page of the raw objects whose time meets a replay's window. */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { replayBatchIdOf, type RawObjectRef } from '../core/batch-id';
import { replayBatchWorkflowId } from '../workflows/workflow-ids';
import { INVALID_REPLAY, UNKNOWN_TABLE } from '../workflows/failure-types';
import { objectTimeSpan, overlapsWindow } from '../core/object-time';
import { isRawDataKey, planBatches } from '../core/plan-batches';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore, UnprocessableObject } from '../stores/object/object-store';
import type { PlannedBatch } from './list-new-objects';
import { quarantineListed } from './quarantine-listed';
import { replayCatalogVersion } from './replay-catalog';
import type { StoreCache } from './store-cache';

export interface ListReplayObjectsInput {
  source: string;
  environment: string;
  /** ISO 8601; the window is [from, to). */
  from: string;
  to: string;
  tables?: string[];
  startAfter?: string;
  /** At most this many objects per page, so the workflow's payloads stay small. */
  limit: number;
  batchObjects: number;
  batchBytes: number;
}

export interface ListReplayObjectsResult {
  batches: PlannedBatch[];
  lastKey?: string;
  exhausted: boolean;
  /** Keys looked at in this page, in the window or not. */
  scanned: number;
  /** The schema version of the replayed tables, which every batch of the replay checks. */
  catalogVersion: string;
  /** Objects of the window no key can address, newly quarantined by this call. */
  quarantined: number;
}

/** Keys looked at per page at most: a window in a long history must not hold one activity for hours. */
const SCAN_LIMIT = 20_000;

export async function listReplayObjects(
  deps: { catalog: Catalog; lake: ObjectStore; stores: StoreCache },
  input: ListReplayObjectsInput,
): Promise<ListReplayObjectsResult> {
  const { from, to } = replayWindow(input);
  for (const table of input.tables ?? []) {
    if (deps.catalog.table(table) === undefined)
      throw ApplicationFailure.nonRetryable(`no schema declares table ${table}`, UNKNOWN_TABLE);
  }
  const catalogVersion = replayCatalogVersion(deps.catalog, input.tables);
  const source = deps.stores.open(input.source);
  const objects: RawObjectRef[] = [];
  let lastKey = input.startAfter;
  let scanned = 0;
  let exhausted = true;
  const unprocessable: UnprocessableObject[] = [];
  const onUnprocessable = (object: UnprocessableObject) => {
    if (isRawDataKey(object.key) && overlapsWindow(objectTimeSpan(object.key, object.lastModified), from, to))
      unprocessable.push(object);
  };
  for await (const info of source.list('', { startAfter: input.startAfter, onUnprocessable })) {
    if (objects.length >= input.limit || scanned >= SCAN_LIMIT) {
      exhausted = false;
      break;
    }
    if (++scanned % 500 === 0) Context.current().heartbeat({ lastKey });
    lastKey = info.key;
    if (!isRawDataKey(info.key) || !overlapsWindow(objectTimeSpan(info.key, info.lastModified), from, to)) continue;
    objects.push({ key: info.key, size: info.size, etag: info.etag, modified: info.lastModified.toISOString() });
  }
  const batches = planBatches(objects, { maxObjects: input.batchObjects, maxBytes: input.batchBytes }).map((batch) => ({
    workflowId: replayBatchWorkflowId(
      replayBatchIdOf(input.source, batch, input.tables, catalogVersion),
      input.environment,
    ),
    objects: batch,
  }));
  const quarantined = await quarantineListed(
    deps.lake,
    input.source,
    unprocessable,
    Context.current().info.workflowExecution?.workflowId,
  );
  return { batches, lastKey, exhausted, scanned, catalogVersion, quarantined };
}

function replayWindow(input: { from: string; to: string }): { from: number; to: number } {
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  if (Number.isNaN(from) || Number.isNaN(to)) {
    throw ApplicationFailure.nonRetryable(
      `a replay window needs ISO 8601 times, got from=${input.from} to=${input.to}`,
      INVALID_REPLAY,
    );
  }
  if (from >= to)
    throw ApplicationFailure.nonRetryable(
      `the replay window is empty: from ${input.from} is not before to ${input.to}`,
      INVALID_REPLAY,
    );
  return { from, to };
}
