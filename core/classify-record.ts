/** Routes one parsed record by its `event` tag and validates it: valid row, rejected, or unknown. */
import type { z } from 'zod';
import * as zodCore from 'zod/v4/core';
import type { Catalog } from '../schemas/catalog';
import type { EventType } from '../schemas/define-event';

export type Verdict =
  | { kind: 'valid'; type: EventType; row: unknown[] }
  | { kind: 'rejected'; reason: string; reasonKey: string; event?: string; field?: string }
  | { kind: 'unknown'; tag: string };

/** A record its event type's fast checks refused, whose reason explainRefused() gives (zod's first issue). */
export type QuickVerdict = Verdict | { kind: 'refused'; type: EventType };

export function classifyRecord(catalog: Catalog, value: unknown): Verdict {
  const verdict = classifyQuickly(catalog, value);
  return verdict.kind === 'refused' ? explainRefused(verdict.type, value as Record<string, unknown>) : verdict;
}

/**
 * classifyRecord without its slow part: a record of a known type that the fast checks refuse comes
 * back `refused`, so a caller can explain many of them in a row (see BatchProcessor.flushRejections).
 */
export function classifyQuickly(catalog: Catalog, value: unknown): QuickVerdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { kind: 'rejected', reason: `not a JSON object but ${what}`, reasonKey: 'record: not an object' };
  }
  const record = value as Record<string, unknown>;
  const tag = record.event;
  if (typeof tag !== 'string') {
    return tag === undefined
      ? { kind: 'rejected', reason: 'no `event` field', reasonKey: 'record: no event field', field: 'event' }
      : {
          kind: 'rejected',
          reason: `\`event\` is not a string but ${JSON.stringify(tag)}`,
          reasonKey: 'record: event not a string',
          field: 'event',
        };
  }
  const type = catalog.eventType(tag);
  if (type === undefined) return { kind: 'unknown', tag };
  const row = type.toRow(record);
  return row !== undefined ? { kind: 'valid', type, row } : { kind: 'refused', type };
}

/**
 * The slow path, for the few invalid records: zod's first issue names the field and the rule.
 * Zod checks the one field the fast checks refused first, which is the whole record's first
 * issue when the two agree (test/schemas/fast-check.test.ts), at about half the cost of parsing
 * the record (docs/benchmarks.md); only when they disagree does the whole record go through zod.
 */
export function explainRefused(type: EventType, record: Record<string, unknown>): Verdict {
  const refused = type.firstRefused(record);
  if (refused !== undefined) {
    const field = safeParseIssues(refused.schema, record[refused.field]);
    if (!field.success) return rejection(type, record, field.error.issues[0]!, [refused.field]);
  }
  const result = safeParseIssues(type.schema, record);
  if (result.success) {
    // The fast check and zod disagree (a field builder bug): zod is the rule, so the record is
    // valid and its row comes from zod's output. One record never fails a batch.
    return { kind: 'valid', type, row: type.columns.map((c) => valueAt(result.data, c.path)) };
  }
  return rejection(type, record, result.error.issues[0]!, []);
}

/** What zod's safeParse gives a failing parse, minus the ZodError: the finalized issues. */
class ZodIssues {
  constructor(readonly issues: z.core.$ZodIssue[]) {}
}

/**
 * Zod's own safeParse (zod/v4/core's `_safeParse`, which takes the class of its error) with the
 * issues in a plain object instead of a ZodError: the same issues and messages, without building
 * an Error subclass per rejection, which measured 2-3 times the rest of a rejection (docs/benchmarks.md).
 */
const safeParseIssues = zodCore._safeParse(ZodIssues as unknown as zodCore.$ZodErrorClass) as unknown as <T>(
  schema: z.ZodType<T>,
  value: unknown,
) => { success: true; data: T; error?: undefined } | { success: false; data?: undefined; error: ZodIssues };

function rejection(
  type: EventType,
  record: Record<string, unknown>,
  issue: z.core.$ZodIssue,
  under: readonly PropertyKey[],
): Verdict {
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
