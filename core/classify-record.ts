/** Routes one parsed record by its `event` tag and validates it: valid row, rejected, or unknown. */
import type { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';

export type Verdict =
  | { kind: 'valid'; type: EventType; row: unknown[] }
  | { kind: 'rejected'; reason: string; reasonKey: string; event?: string; field?: string }
  | { kind: 'unknown'; tag: string };

export function classifyRecord(catalog: Catalog, value: unknown): Verdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { kind: 'rejected', reason: `not a JSON object but ${what}`, reasonKey: 'record: not an object' };
  }
  const record = value as Record<string, unknown>;
  const tag = record.event;
  if (typeof tag !== 'string') {
    return tag === undefined
      ? { kind: 'rejected', reason: 'no `event` field', reasonKey: 'record: no event field', field: 'event' }
      : { kind: 'rejected', reason: `\`event\` is not a string but ${JSON.stringify(tag)}`, reasonKey: 'record: event not a string', field: 'event' };
  }
  const type = catalog.eventType(tag);
  if (type === undefined) return { kind: 'unknown', tag };
  const row = type.toRow(record);
  if (row !== undefined) return { kind: 'valid', type, row };
  return explainRejection(type, record);
}

/** The slow path, for the few invalid records: zod's first issue names the field and the rule. */
function explainRejection(type: EventType, record: Record<string, unknown>): Verdict {
  const result = type.schema.safeParse(record);
  if (result.success) {
    // The fast check and zod disagree (a field builder bug): zod is the rule, so the record is
    // valid and its row comes from zod's output. One record never fails a batch.
    return { kind: 'valid', type, row: type.columns.map((c) => valueAt(result.data, c.path)) };
  }
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const received = describeReceived(record, issue.path);
  return {
    kind: 'rejected',
    event: type.tag,
    field,
    reason: `${type.tag}.${field || '(record)'}: ${issue.message}${received}`,
    reasonKey: `${type.tag}.${field || '(record)'}: ${issue.code}`,
  };
}

function valueAt(data: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const key of path) value = (value as Record<string, unknown>)[key];
  return value;
}

function describeReceived(record: Record<string, unknown>, path: readonly PropertyKey[]): string {
  let value: unknown = record;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return ' (missing)';
  const text = JSON.stringify(value);
  return ` (got ${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}
