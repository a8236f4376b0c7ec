/**
 * A generated corpus read back without the pipeline's code (a line splitter and a brace scanner):
 * for the generator's tests. Checking it against the catalog is in telemetry-ground-truth.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { GenerateResult } from '../../generator/generate-telemetry';

export interface Segment {
  file: number;
  text: string;
  /** The parsed value, or undefined when the segment is not JSON (a truncated record). */
  value: unknown;
  parsed: boolean;
}

export interface Corpus {
  segments: Segment[];
  lines: number;
  concatenatedLines: number;
  blankLines: number;
}

/** Splits a line into top-level JSON values written back to back; a value still open at the line end is one segment. */
function scanLine(line: string): string[] {
  const out: string[] = [];
  let depth = 0,
    inString = false,
    start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (start < 0) {
      if (c === ' ' || c === '\t') continue;
      start = i;
      if (c === '"') {
        // A bare JSON string: runs to its closing quote.
        let j = i + 1;
        while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
        out.push(line.slice(i, j + 1));
        start = -1;
        i = j;
        continue;
      }
    }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        out.push(line.slice(start, i + 1));
        start = -1;
      }
    }
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

export function readCorpus(dir: string, result: GenerateResult): Corpus {
  const corpus: Corpus = { segments: [], lines: 0, concatenatedLines: 0, blankLines: 0 };
  result.files.forEach((file, index) => {
    const raw = readFileSync(join(dir, file.key));
    let text = (file.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // every line is terminated
    for (const rawLine of lines) {
      const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
      if (line.trim() === '') {
        corpus.blankLines++;
        continue;
      }
      corpus.lines++;
      const parts = scanLine(line);
      if (parts.length > 1) corpus.concatenatedLines++;
      for (const part of parts) {
        let value: unknown,
          parsed = true;
        try {
          value = JSON.parse(part);
        } catch {
          parsed = false;
        }
        corpus.segments.push({ file: index, text: part, value, parsed });
      }
    }
  });
  return corpus;
}
