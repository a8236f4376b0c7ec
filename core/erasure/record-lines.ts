/**
 * Text files of records without an erased player's: rejects (JSON lines whose `record` holds the
 * raw text), and unknown records and raw objects (the raw text itself, possibly several records
 * back to back on a line). A record is the player's when one of its personal fields, in clear,
 * is one `isErased` recognises: the caller compares pseudonyms, so no clear id is ever needed.
 */
import { splitRecords } from '../split-records';
import { personalValuesOfText } from './record-text';

export interface LinesRewrite {
  text: string;
  /** Records removed. */
  removed: number;
}

export type ErasedValue = (clear: string) => boolean;

/** rejects/*.jsonl: a line goes when the raw record it holds is the player's. */
export function rejectsWithout(text: string, names: ReadonlySet<string>, isErased: ErasedValue): LinesRewrite {
  return eachLine(text, (line) => {
    let record: unknown;
    try {
      record = (JSON.parse(line) as { record?: unknown }).record;
    } catch {
      record = line;
    }
    const erased = typeof record === 'string' && personalValuesOfText(record, names).some(isErased);
    return erased ? { keep: undefined, removed: 1 } : { keep: line, removed: 0 };
  });
}

/** unknown/*.jsonl and raw objects: the player's records go, the others of their line stay, one per line. */
export function recordsWithout(text: string, names: ReadonlySet<string>, isErased: ErasedValue): LinesRewrite {
  return eachLine(text, (line) => {
    const kept: string[] = [];
    let removed = 0;
    const take = (segment: string) => {
      if (personalValuesOfText(segment, names).some(isErased)) removed++;
      else kept.push(segment);
    };
    splitRecords(line, { record: (_value, segment) => take(segment), malformed: (_reason, segment) => take(segment) });
    if (removed === 0) return { keep: line, removed: 0 };
    return { keep: kept.length === 0 ? undefined : kept.join('\n'), removed };
  });
}

/** Applies `rewrite` to every non-empty line (a CR before the LF kept); line ends as they were. */
function eachLine(
  text: string,
  rewrite: (line: string) => { keep: string | undefined; removed: number },
): LinesRewrite {
  const lines = text.split('\n');
  const out: string[] = [];
  let removed = 0;
  for (const [i, raw] of lines.entries()) {
    const cr = raw.endsWith('\r');
    const line = cr ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || (i === lines.length - 1 && raw === '')) {
      out.push(raw);
      continue;
    }
    const result = rewrite(line);
    removed += result.removed;
    if (result.keep !== undefined) out.push(cr ? `${result.keep}\r` : result.keep);
  }
  return { text: removed === 0 ? text : out.join('\n'), removed };
}
