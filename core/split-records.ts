/** Splits one line into JSON records: a single value, or several written back to back `{...}{...}`. */

export interface RecordSink {
  record(value: unknown, text: string, indexInLine: number): void;
  /** A segment that is not JSON; `text` is kept verbatim in rejects/. */
  malformed(reason: string, text: string, indexInLine: number): void;
}

/**
 * JSON.parse of the whole line is the fast path (almost every line is one record); only a line
 * that fails it is scanned for concatenated values, so Firehose-style lines cost a second pass.
 */
export function splitRecords(line: string, sink: RecordSink): void {
  // A failing JSON.parse costs an exception: lines that visibly hold `}{` go straight to the scanner.
  if (line.includes('}{')) {
    if (!splitAtBraces(line, sink)) scanConcatenated(line, sink);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    scanConcatenated(line, sink);
    return;
  }
  sink.record(value, line, 0);
}

/**
 * The usual concatenated line, objects written back to back with nothing between: cut at each
 * `}{` and parse the pieces, which is valid only if every piece parses (a `}{` inside a string
 * leaves a piece that does not). Then the pieces are exactly the values the scanner would find,
 * since a valid object's last brace is where its depth first returns to zero. Nothing is passed
 * to the sink unless the whole line splits; otherwise the scanner takes the line.
 */
function splitAtBraces(line: string, sink: RecordSink): boolean {
  if (line.charCodeAt(0) !== OPEN_BRACE || line.charCodeAt(line.length - 1) !== CLOSE_BRACE) return false;
  const values: unknown[] = [];
  const texts: string[] = [];
  let start = 0;
  for (;;) {
    const cut = line.indexOf('}{', start);
    const text = cut < 0 ? line.slice(start) : line.slice(start, cut + 1);
    try {
      values.push(JSON.parse(text));
    } catch {
      return false;
    }
    texts.push(text);
    if (cut < 0) break;
    start = cut + 1;
  }
  for (let i = 0; i < values.length; i++) sink.record(values[i], texts[i]!, i);
  return true;
}

const OPEN_BRACE = 123,
  CLOSE_BRACE = 125,
  OPEN_BRACKET = 91,
  CLOSE_BRACKET = 93,
  QUOTE = 34,
  BACKSLASH = 92;

function scanConcatenated(line: string, sink: RecordSink): void {
  let index = 0;
  let pos = 0;
  const n = line.length;
  while (pos < n) {
    while (pos < n && isSpace(line.charCodeAt(pos))) pos++;
    if (pos >= n) break;
    const start = pos;
    const first = line.charCodeAt(pos);
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      // Junk before the next value: keep it as one malformed segment and resynchronise there.
      const next = nextOpening(line, pos + 1);
      sink.malformed('not JSON', line.slice(start, next).trimEnd(), index++);
      pos = next;
      continue;
    }
    const end = endOfValue(line, pos);
    if (end < 0) {
      sink.malformed('truncated JSON: the line ends inside a record', line.slice(start), index++);
      break;
    }
    const text = line.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      sink.malformed(`invalid JSON: ${(error as Error).message}`, text, index++);
      pos = end;
      continue;
    }
    sink.record(value, text, index++);
    pos = end;
  }
}

/** Index just past the object or array opening at `pos`, or -1 when the line ends first. */
function endOfValue(line: string, pos: number): number {
  let depth = 0;
  let inString = false;
  for (let i = pos; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function nextOpening(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return i;
  }
  return line.length;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}
