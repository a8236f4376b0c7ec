/**
 * Failures a person acknowledged with `loadout status ack`: they stop counting as outstanding,
 * their history stays in Temporal. A quarantine record moves to quarantine-acknowledged/; a
 * failed batch run gets a record here, one per run, so a later failure of the same batch counts again.
 */
import { createHash } from 'node:crypto';
import { ACKNOWLEDGED_QUARANTINE_PREFIX, QUARANTINE_PREFIX } from '../core/quarantine';
import type { ObjectStore } from '../stores/object/object-store';

export const ACKNOWLEDGED_BATCHES_PREFIX = 'acknowledged/failed-batches/';

export interface AcknowledgedBatch {
  workflowId: string;
  runId: string;
  objects: string[];
  reason: string;
  /** When it was acknowledged (ISO 8601). */
  at: string;
}

export function acknowledgedBatchKey(workflowId: string, runId: string): string {
  return `${ACKNOWLEDGED_BATCHES_PREFIX}${createHash('sha256').update(workflowId).update('\n').update(runId).digest('hex').slice(0, 40)}.json`;
}

export async function isAcknowledgedBatch(lake: ObjectStore, workflowId: string, runId: string): Promise<boolean> {
  return (await lake.head(acknowledgedBatchKey(workflowId, runId))) !== undefined;
}

export async function acknowledgeBatch(lake: ObjectStore, batch: Omit<AcknowledgedBatch, 'at'>): Promise<void> {
  const record: AcknowledgedBatch = { ...batch, at: new Date().toISOString() };
  await lake.write(acknowledgedBatchKey(batch.workflowId, batch.runId), JSON.stringify(record, null, 2));
}

/** Moves the record, keeping its name: a repeated ack after a crash finds it moved already. */
export async function acknowledgeQuarantine(lake: ObjectStore, recordKey: string): Promise<string> {
  if (!recordKey.startsWith(QUARANTINE_PREFIX)) throw new Error(`not a quarantine record: ${recordKey}`);
  const to = `${ACKNOWLEDGED_QUARANTINE_PREFIX}${recordKey.slice(QUARANTINE_PREFIX.length)}`;
  await lake.move(recordKey, to);
  return to;
}
