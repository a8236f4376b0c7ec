/** Groups listed raw objects into file batches, closing a batch at an object or a byte limit. */
import type { RawObjectRef } from './batch-id';

export interface BatchLimits {
  maxObjects: number;
  maxBytes: number;
}

/** Keeps the listing's order, so the same listing always gives the same batches (and batch ids). */
export function planBatches(objects: readonly RawObjectRef[], limits: BatchLimits): RawObjectRef[][] {
  const batches: RawObjectRef[][] = [];
  let current: RawObjectRef[] = [];
  let bytes = 0;
  for (const object of objects) {
    if (current.length > 0 && (current.length >= limits.maxObjects || bytes + object.size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(object);
    bytes += object.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Raw objects are data files; markers and temp files that tools leave beside them are not. */
export function isRawDataKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.length > 0 && !name.startsWith('.') && !name.startsWith('_') && !name.endsWith('.tmp');
}
