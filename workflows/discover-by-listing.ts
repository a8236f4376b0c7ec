/**
 * discoverByListing: for stores without notifications (the embedded default), and as the periodic
 * reconciliation of missed notifications. Lists the raw zone after a watermark, starts a fileBatch
 * child per batch (abandoned, so batches outlive this workflow), sleeps, and continues as new.
 *
 * A reconciliation pass re-lists from the start and takes every object without a marker. Objects
 * of a batch still running have no marker yet, and a late arrival among them would regroup them
 * into new batches (new ids) that process them a second time; so a due reconciliation waits, doing
 * ordinary passes, until the children this workflow started have closed.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { LoadoutActivities } from '../activities';
import type { RawObjectRef } from '../core/batch-id';
import type { FileBatchInput } from './file-batch-types';
import { fileBatch } from './file-batch';
import { LISTING_ACTIVITY_OPTIONS } from './activity-options';

export interface DiscoverByListingInput {
  source: string;
  environment: string;
  /** Exclusive: keys at or before it were listed by an earlier pass. */
  watermark?: string;
  /** Re-list from the start every this many passes to reconcile late or missed objects; 0: never. */
  reconcileEvery: number;
  pass?: number;
  listEvery: string;
  batchObjects: number;
  batchBytes: number;
  /** Stop after one pass (used by `loadout discover --once` and tests). */
  once?: boolean;
  /** Leave objects younger than this to SQS discovery (see ListNewObjectsInput.settleSeconds); 0: none. */
  settleSeconds?: number;
  /** A reconciliation was due while children were still running (carried across continue-as-new). */
  reconcileOwed?: boolean;
}

export interface DiscoverByListingResult {
  started: string[];
  watermark?: string;
}

const { listNewObjects } = proxyActivities<LoadoutActivities>(LISTING_ACTIVITY_OPTIONS);

export async function discoverByListing(input: DiscoverByListingInput): Promise<DiscoverByListingResult> {
  const started: string[] = [];
  /** Children this run started that have not closed yet. */
  const inFlight = new Set<string>();
  let watermark = input.watermark;
  let pass = input.pass ?? 0;
  let reconcileOwed = input.reconcileOwed ?? false;
  for (;;) {
    if (input.reconcileEvery > 0 && pass % input.reconcileEvery === 0) reconcileOwed = true;
    const reconciling = reconcileOwed && inFlight.size === 0;
    if (reconciling) reconcileOwed = false;
    let cursor = reconciling ? undefined : watermark;
    for (;;) {
      const page = await listNewObjects({
        source: input.source,
        environment: input.environment,
        startAfter: cursor,
        limit: input.batchObjects * 20,
        batchObjects: input.batchObjects,
        batchBytes: input.batchBytes,
        ...(input.settleSeconds ? { settleSeconds: input.settleSeconds } : {}),
      });
      for (const batch of page.batches)
        started.push(await startBatch(input, batch.workflowId, batch.objects, inFlight));
      cursor = page.lastKey;
      if (cursor !== undefined && (watermark === undefined || cursor > watermark)) watermark = cursor;
      if (page.exhausted) break;
    }
    pass++;
    if (input.once) return { started, watermark };
    await sleep(input.listEvery);
    if (workflowInfo().continueAsNewSuggested) {
      // The next run cannot see these children: let them close first, so its reconciliation is safe.
      await condition(() => inFlight.size === 0);
      await condition(allHandlersFinished);
      await continueAsNew<typeof discoverByListing>({ ...input, watermark, pass, reconcileOwed });
    }
  }
}

async function startBatch(
  input: DiscoverByListingInput,
  workflowId: string,
  objects: RawObjectRef[],
  inFlight: Set<string>,
): Promise<string> {
  const batchInput: FileBatchInput = { source: input.source, objects, environment: input.environment };
  try {
    const child = await startChild(fileBatch, {
      workflowId,
      args: [batchInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    inFlight.add(workflowId);
    // Success or failure, a closed child no longer holds back a reconciliation.
    child.result().then(
      () => inFlight.delete(workflowId),
      () => inFlight.delete(workflowId),
    );
  } catch (error) {
    // Started by the CLI, the SQS poller or an earlier pass: the batch exists, nothing to do.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return workflowId;
}
