/** Routes one parsed record by its `event` tag and validates it: valid row, rejected, or unknown. */
import type { z } from 'zod';
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

/**
 * The slow path, for the few invalid records: zod's first issue names the field and the rule.
 * Zod checks the one field the fast checks refused first, which is the whole record's first
 * issue when the two agree (test/schemas/fast-check.test.ts), at about half the cost of parsing
 * the record (docs/benchmarks.md); only when they disagree does the whole record go through zod.
 */
function explainRejection(type: EventType, record: Record<string, unknown>): Verdict {
  const refused = type.firstRefused(record);
  if (refused !== undefined) {
    const field = refused.schema.safeParse(record[refused.field]);
    if (!field.success) return rejection(type, record, firstIssue(field), [refused.field]);
  }
  const result = type.schema.safeParse(record);
  if (result.success) {
    // The fast check and zod disagree (a field builder bug): zod is the rule, so the record is
    // valid and its row comes from zod's output. One record never fails a batch.
    return { kind: 'valid', type, row: type.columns.map((c) => valueAt(result.data, c.path)) };
  }
  return rejection(type, record, firstIssue(result), []);
}

/**
 * Zod builds its error (an Error) on the first read of `error`; its stack trace is never used,
 * and collecting one measured ~10 % of a rejection in a warm loop, so none is collected.
 */
function firstIssue(failed: { readonly error?: { readonly issues: readonly z.core.$ZodIssue[] } }): z.core.$ZodIssue {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return failed.error!.issues[0]!;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function rejection(type: EventType, record: Record<string, unknown>, issue: z.core.$ZodIssue, under: readonly PropertyKey[]): Verdict {
  const path = under.length === 0 ? issue.path : [...under, ...issue.path];
  const field = path.map(String).join('.');
  const received = describeReceived(record, path);
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
