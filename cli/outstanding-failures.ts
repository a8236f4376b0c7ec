/**
 * What needs a person: failed fileBatch runs and quarantined objects, each with its reason, its
 * objects and its workflow in the Temporal UI. A failure stops counting once its objects were
 * processed again (replaced and loaded) or a person acknowledged it; Temporal keeps the history.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { batchIdOf, objectMarkerKey, replayBatchIdOf } from '../core/batch-id';
import type { QuarantineRecord } from '../core/quarantine';
import type { ObjectStore } from '../stores/object/object-store';
import { readJson } from '../stores/object/read-json';
import type { FileBatchInput, RawObjectRef } from '../workflows/file-batch-types';
import { LOADOUT_OBJECTS } from '../workflows/search-attributes';
import { isAcknowledgedBatch } from './acknowledged-failures';
import { readQuarantineRecords } from './quarantine-records';
import { workflowUiUrl } from './temporal-ui';

export interface FailedBatch {
  workflowId: string;
  runId: string;
  /** The raw location its keys are relative to, when the run's input could be read. */
  source?: string;
  objects: string[];
  /** The innermost failure message: the fault and, for bad input, the object. */
  reason: string;
  closedAt?: string;
  /** The run in the Temporal UI; absent when no UI address is known. */
  temporalUi?: string;
}

export interface QuarantinedObject extends QuarantineRecord {
  /** The record's key in the lake (quarantine/...). */
  record: string;
  temporalUi?: string;
}

export interface UiAddress {
  base?: string;
  namespace: string;
}

/** Runs looked at in parallel: each costs a history fetch and a few lake reads. */
const AT_ONCE = 8;

export async function collectFailedBatches(
  client: Client,
  lake: ObjectStore,
  environment: string,
  ui: UiAddress,
): Promise<FailedBatch[]> {
  const query = `WorkflowType = 'fileBatch' AND ExecutionStatus = 'Failed' AND LoadoutEnvironment = '${environment.replaceAll("'", '')}'`;
  const runs: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query })) runs.push(w);
  const found: (FailedBatch | undefined)[] = [];
  for (let i = 0; i < runs.length; i += AT_ONCE)
    found.push(...(await Promise.all(runs.slice(i, i + AT_ONCE).map((w) => outstandingRun(client, lake, w, ui)))));
  return found
    .filter((f): f is FailedBatch => f !== undefined)
    .sort((a, b) => ((a.closedAt ?? '') < (b.closedAt ?? '') ? 1 : -1));
}

async function outstandingRun(
  client: Client,
  lake: ObjectStore,
  run: WorkflowExecutionInfo,
  ui: UiAddress,
): Promise<FailedBatch | undefined> {
  if (await isAcknowledgedBatch(lake, run.workflowId, run.runId)) return undefined;
  // The same batch started again under its id (allowed after a failure) and completed.
  const latest = await client.workflow.getHandle(run.workflowId).describe();
  if (latest.runId !== run.runId && latest.status.name === 'COMPLETED') return undefined;
  const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
  const events = history.events ?? [];
  const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const input = payload ? defaultPayloadConverter.fromPayload<FileBatchInput>(payload) : undefined;
  const closedAt = run.closeTime ?? new Date();
  if (input && input.objects.length > 0 && (await allProcessedElsewhere(lake, input, closedAt))) return undefined;
  let failure = events.at(-1)?.workflowExecutionFailedEventAttributes?.failure;
  while (failure?.cause) failure = failure.cause;
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    source: input?.source,
    objects: input?.objects.map((o) => o.key) ?? run.typedSearchAttributes.get(LOADOUT_OBJECTS) ?? [],
    reason: failure?.message ?? 'the run failed without a message: open it in the Temporal UI',
    closedAt: run.closeTime?.toISOString(),
    temporalUi: workflowUiUrl(ui.base, ui.namespace, run.workflowId, run.runId),
  };
}

/**
 * Fixed: every object of the failed run has a processed-marker either written after the run
 * closed (a later batch, any etag: the object was replaced), or for this very content by another
 * batch. A failed run writes no markers (they come last), so an older marker of an older
 * version of the object does not count.
 */
async function allProcessedElsewhere(lake: ObjectStore, input: FileBatchInput, closedAt: Date): Promise<boolean> {
  const failedBatchId = input.replay
    ? replayBatchIdOf(input.source, input.objects, input.tables, input.replay.catalogVersion)
    : batchIdOf(input.source, input.objects);
  for (const object of input.objects) {
    if (!(await processedElsewhere(lake, input.source, object, failedBatchId, closedAt))) return false;
  }
  return true;
}

async function processedElsewhere(
  lake: ObjectStore,
  source: string,
  object: RawObjectRef,
  failedBatchId: string,
  closedAt: Date,
): Promise<boolean> {
  const key = objectMarkerKey(source, object.key);
  const info = await lake.head(key);
  if (info === undefined) return false;
  if (info.lastModified > closedAt) return true;
  const marker = await readJson<{ etag: string; batchId: string }>(lake, key);
  return marker.etag === object.etag && marker.batchId !== failedBatchId;
}

/** Every open quarantine record; the processing activity deletes one when its object is processed again. */
export async function collectQuarantined(lake: ObjectStore, ui: UiAddress): Promise<QuarantinedObject[]> {
  return (await readQuarantineRecords(lake)).map((r) => ({
    ...r,
    temporalUi: r.workflowId ? workflowUiUrl(ui.base, ui.namespace, r.workflowId) : undefined,
  }));
}

/** Both kinds, for `loadout status ack`, which needs no warehouse. */
export async function collectOutstanding(client: Client, lake: ObjectStore, environment: string, ui: UiAddress) {
  return {
    batches: { failed: await collectFailedBatches(client, lake, environment, ui) },
    quarantined: await collectQuarantined(lake, ui),
  };
}
