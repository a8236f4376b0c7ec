/** The processFileBatch activity: streams a batch's raw objects through the core, stages the output. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchIdOf, objectMarkerKey, replayBatchIdOf, stagedKey } from '../core/batch-id';
import { replayCatalogVersion } from './replay-catalog';
import { quarantineKeyOf, type QuarantineRecord } from '../core/quarantine';
import type { RunStats } from '../core/run-stats';
import { driftPartKeyOf, type DriftRegistryPart } from '../core/drift-registry';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import type {
  FileBatchInput,
  FileBatchResult,
  QuarantinedObject,
  RawObjectRef,
  StagedObject,
} from '../workflows/file-batch-types';
import { INVALID_BATCH } from '../workflows/failure-types';
import { whileHeartbeating } from './heartbeat';
import { readJson } from '../stores/object/read-json';
import type { StoreCache } from './store-cache';
import type { PersonalDataKeys } from '../core/personal/personal-data';
import { personalDataKey } from '../core/personal/personal-data-file';
import { erasedPseudonyms } from './erased-players';
import { stageTableFile } from './stage-table-file';
import type { BatchPassesJob } from './batch-passes';
import { processPasses } from './batch-passes-activity';
import type { BatchThreadPool } from '../workers/batch-threads/batch-thread-pool';

export interface ProcessDeps {
  catalog: Catalog;
  lake: ObjectStore;
  stores: StoreCache;
  /** Key bytes for the core: this activity does no key I/O either, the worker read them at start. */
  personal: PersonalDataKeys;
  /** The process's batch threads (workers/batch-threads/); absent: the activity's own thread runs the core. */
  threads?: BatchThreadPool;
}

/** `batches/{batchId}.json`: the result plus what status, drift and freshness read later. */
export interface BatchReport extends FileBatchResult {
  source: string;
  objectKeys: string[];
  /** Creation time of the batch's oldest object, when the lister knew it: the start of freshness. */
  oldestObjectTime?: string;
  tables?: string[];
  stats: RunStats;
}

function oldestTimeOf(objects: readonly RawObjectRef[]): string | undefined {
  const times = objects.flatMap((o) => (o.modified ? [o.modified] : [])).sort();
  return times[0];
}

interface ObjectMarker {
  key: string;
  etag: string;
  batchId: string;
}

export async function processFileBatch(deps: ProcessDeps, input: FileBatchInput): Promise<FileBatchResult> {
  if (input.objects.length === 0)
    throw ApplicationFailure.nonRetryable('a file batch needs at least one object', INVALID_BATCH);
  const batchId = input.replay
    ? replayBatchIdFor(deps.catalog, input, input.replay.catalogVersion)
    : batchIdOf(input.source, input.objects);
  // A replay reprocesses on purpose: the markers answer "was it ever processed", which it was.
  const { todo, skipped } = input.replay
    ? { todo: [...input.objects], skipped: [] }
    : await objectsToProcess(deps.lake, input.source, input.objects, batchId);
  // Replays keep their reports apart, so rejected and unknown counts and drift are not counted twice.
  const outputs = input.replay ? 'replay/' : '';
  const context = Context.current();
  const previous = context.info.heartbeatDetails as { object?: number } | undefined;
  if (previous?.object !== undefined) {
    context.log.info('retrying a batch from its start: outputs are rewritten whole', {
      batchId,
      reachedObject: previous.object,
    });
  }
  const started = performance.now();
  // Read once per batch: an erasure recorded before the batch started is applied to all its objects.
  const erased = await erasedPseudonyms(deps.lake);
  const workDir = await mkdtemp(join(tmpdir(), `loadout-${batchId}-`));
  try {
    const job: BatchPassesJob = {
      batchId,
      source: input.source,
      todo,
      tables: input.tables,
      personal: deps.personal,
      erased,
      workDir,
    };
    const passes = await processPasses(deps, job);
    const faults = new Map(passes.faults);
    const output = passes.output;
    if (todo.length > 0 && faults.size === todo.length && [...faults.values()].every((f) => f.permission)) {
      // Every object refused: the worker's credentials, not the objects. Retried, not quarantined.
      throw new Error(
        `every object of batch ${batchId} in ${input.source} was refused by the store: check the worker's credentials and the bucket policy (first: ${[...faults.values()][0]!.reason})`,
      );
    }
    const staged: StagedObject[] = [];
    for (const file of output.tables) {
      const key = await stageTableFile(deps.lake, file, batchId);
      staged.push({ table: file.table, fingerprint: file.fingerprint, key, rows: file.rows, bytes: file.bytes });
      context.heartbeat({ staging: file.table });
    }
    // Rejects and unknown events as tables, staged like event tables but not reported as the batch's rows.
    for (const file of output.sideTables ?? []) {
      const key = stagedKey(file.table, file.fingerprint, batchId);
      await whileHeartbeating(() => deps.lake.writeFile(key, file.path));
    }
    // The sealed clear values, staged apart: no table load lists pii/.
    const personalKey = output.personalData ? personalDataKey(batchId) : undefined;
    if (output.personalData && personalKey)
      await whileHeartbeating(() => deps.lake.writeFile(personalKey, output.personalData!.path));
    const rejectsKey = output.rejectsPath ? `${outputs}rejects/${batchId}.jsonl` : undefined;
    if (output.rejectsPath && rejectsKey) await deps.lake.writeFile(rejectsKey, output.rejectsPath);
    const unknownKey = output.unknownPath ? `${outputs}unknown/${batchId}.jsonl` : undefined;
    if (output.unknownPath && unknownKey) await deps.lake.writeFile(unknownKey, output.unknownPath);
    // The batch's part of the drift registry: its own object, so concurrent batches never contend.
    if (!input.replay) {
      const drift: DriftRegistryPart = { batchId, source: input.source, variations: output.variations };
      await deps.lake.write(driftPartKeyOf(batchId), JSON.stringify(drift));
    }
    const reportKey = `${outputs}batches/${batchId}.json`;
    const quarantined: QuarantinedObject[] = todo.flatMap((o) => {
      const fault = faults.get(o.key);
      return fault === undefined ? [] : [{ key: o.key, kind: fault.kind, reason: fault.reason }];
    });
    const s = output.stats;
    const result: FileBatchResult = {
      batchId,
      objects: todo.length - quarantined.length,
      skippedObjects: skipped.map((o) => o.key),
      records: s.records,
      valid: s.valid,
      duplicates: s.duplicates,
      rejected: s.rejected,
      erased: s.erased,
      unknown: s.unknown,
      staged,
      rejectsKey,
      unknownKey,
      reportKey,
      quarantined,
      ...(personalKey ? { personalDataKey: personalKey } : {}),
      seconds: Math.round(performance.now() - started) / 1000,
    };
    const report: BatchReport = {
      ...result,
      source: input.source,
      objectKeys: todo.map((o) => o.key),
      oldestObjectTime: oldestTimeOf(todo),
      tables: input.tables,
      stats: s,
    };
    await deps.lake.write(reportKey, JSON.stringify(report, null, 2));
    const at = new Date().toISOString();
    for (const object of todo) {
      const fault = faults.get(object.key);
      if (fault === undefined) continue;
      const record: QuarantineRecord = {
        source: input.source,
        key: object.key,
        etag: object.etag,
        size: object.size,
        kind: fault.kind,
        reason: fault.reason,
        batchId,
        workflowId: context.info.workflowExecution?.workflowId,
        at,
      };
      await deps.lake.write(quarantineKeyOf(input.source, object.key), JSON.stringify(record, null, 2));
    }
    // Markers last: only a batch whose outputs are all written counts its objects as processed.
    for (const object of todo) {
      if (faults.has(object.key)) continue;
      if (!input.replay) {
        const marker: ObjectMarker = { key: object.key, etag: object.etag, batchId };
        await deps.lake.write(objectMarkerKey(input.source, object.key), JSON.stringify(marker));
      }
      // The object reads now (replaced, or restored): its quarantine, if any, is over.
      await deps.lake.delete(quarantineKeyOf(input.source, object.key));
    }
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The replay's id for the batch, after checking this worker's schemas are the ones the replay planned with. */
function replayBatchIdFor(catalog: Catalog, input: FileBatchInput, plannedVersion: string): string {
  const version = replayCatalogVersion(catalog, input.tables);
  if (version !== plannedVersion) {
    throw ApplicationFailure.nonRetryable(
      `this worker's schemas (version ${version}) differ from the replay's (${plannedVersion}): workers with different schemas serve the task queue; give every worker the same LOADOUT_SCHEMAS, then replay the window again`,
      INVALID_BATCH,
    );
  }
  return replayBatchIdOf(input.source, input.objects, input.tables, version);
}

/** Objects another batch already staged (same key and etag) are skipped: redelivery never reprocesses. */
async function objectsToProcess(lake: ObjectStore, source: string, objects: readonly RawObjectRef[], batchId: string) {
  const todo: RawObjectRef[] = [];
  const skipped: RawObjectRef[] = [];
  for (const object of objects) {
    const markerKey = objectMarkerKey(source, object.key);
    const marker = (await lake.head(markerKey)) ? await readJson<ObjectMarker>(lake, markerKey) : undefined;
    if (marker !== undefined && marker.etag === object.etag && marker.batchId !== batchId) skipped.push(object);
    else todo.push(object);
  }
  return { todo, skipped };
}
