/**
 * Puts an activity's object identifiers on every log line it causes: the SDK already adds
 * workflowId, activityType and attempt; this adds batchId and raw object keys (bounded), table and
 * manifestKey, read from the activity's input. "Activity failed" lines carry them too.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { batchIdOf, type RawObjectRef } from '../core/batch-id';
import { MAX_OBJECTS_IN_SEARCH_ATTRIBUTE } from '../workflows/search-attributes';

/** Identifiers named in an activity's input; unknown inputs give none. */
export function identifiersOf(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) return {};
  const i = input as { source?: unknown; objects?: unknown; table?: unknown; tables?: unknown; manifestKey?: unknown };
  const out: Record<string, unknown> = {};
  if (typeof i.source === 'string' && Array.isArray(i.objects) && i.objects.length > 0) {
    const objects = i.objects as RawObjectRef[];
    out.batchId = batchIdOf(i.source, objects);
    out.source = i.source;
    // The same bound as the LoadoutObjects search attribute: a batch may hold hundreds of keys.
    out.objectKeys = objects.slice(0, MAX_OBJECTS_IN_SEARCH_ATTRIBUTE).map((o) => o.key);
    out.objectCount = objects.length;
  }
  if (typeof i.table === 'string') out.table = i.table;
  if (Array.isArray(i.tables)) out.tables = i.tables;
  if (typeof i.manifestKey === 'string') out.manifestKey = i.manifestKey;
  return out;
}

export const activityLogAttributes: ActivityInterceptorsFactory = () => {
  let identifiers: Record<string, unknown> = {};
  return {
    inbound: {
      execute(input, next) {
        identifiers = identifiersOf(input.args[0]);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next({ ...attributes, ...identifiers });
      },
    },
  };
};
