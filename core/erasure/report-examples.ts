/**
 * JSON documents the pipeline writes beside its data (quarantine records, drift parts, batch
 * reports): any string in them that quotes a record of an erased player (a drift example of an
 * unknown event type, a reason quoting a line) is replaced by a note, the document kept otherwise.
 */
import { personalValuesOfText } from './record-text';
import type { ErasedValue } from './record-lines';

export const ERASED_TEXT = '[erased]';

export function examplesWithout(
  text: string,
  names: ReadonlySet<string>,
  isErased: ErasedValue,
): { text: string; removed: number } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { text, removed: 0 };
  }
  let removed = 0;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('"') || !personalValuesOfText(value, names).some(isErased)) return value;
      removed++;
      return ERASED_TEXT;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const rewritten = walk(document);
  return removed === 0 ? { text, removed: 0 } : { text: JSON.stringify(rewritten, null, 2), removed };
}
