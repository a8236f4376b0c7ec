/** `loadout status ack`: which outstanding failures a person's targets name, and acknowledging them. */
import type { ObjectStore } from '../stores/object/object-store';
import { acknowledgeBatch, acknowledgeQuarantine } from './acknowledged-failures';
import type { FailedBatch, QuarantinedObject } from './outstanding-failures';

export interface Outstanding {
  batches: { failed: FailedBatch[] };
  quarantined: QuarantinedObject[];
}

export interface Acknowledged {
  batches: { workflowId: string; runId: string; objects: string[] }[];
  quarantined: { key: string; source: string; record: string }[];
}

/**
 * A target is a workflow id (a failed batch's, or the batch that quarantined an object) or a raw
 * object key (every failure that names it); `all` takes everything outstanding. A target that
 * matches nothing is an error before anything is acknowledged, so a typo changes nothing.
 */
export async function acknowledgeFailures(
  lake: ObjectStore,
  outstanding: Outstanding,
  targets: readonly string[],
  all: boolean,
): Promise<Acknowledged> {
  const names = (t: string, workflowId: string | undefined, keys: readonly string[]) =>
    t === workflowId || keys.includes(t);
  const batches = outstanding.batches.failed.filter(
    (b) => all || targets.some((t) => names(t, b.workflowId, b.objects)),
  );
  const quarantined = outstanding.quarantined.filter(
    (q) => all || targets.some((t) => names(t, q.workflowId, [q.key])),
  );
  const unmatched = targets.filter(
    (t) =>
      !batches.some((b) => names(t, b.workflowId, b.objects)) &&
      !quarantined.some((q) => names(t, q.workflowId, [q.key])),
  );
  if (unmatched.length > 0) {
    throw new Error(
      `no outstanding failure has the workflow id or object key ${JSON.stringify(unmatched[0])}: loadout status lists them`,
    );
  }
  for (const b of batches)
    await acknowledgeBatch(lake, { workflowId: b.workflowId, runId: b.runId, objects: b.objects, reason: b.reason });
  for (const q of quarantined) await acknowledgeQuarantine(lake, q.record);
  return {
    batches: batches.map((b) => ({ workflowId: b.workflowId, runId: b.runId, objects: b.objects })),
    quarantined: quarantined.map((q) => ({ key: q.key, source: q.source, record: q.record })),
  };
}
