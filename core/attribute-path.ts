/**
 * Attribute paths as text: segments joined by dots, a segment written as a JSON string when it
 * would be ambiguous or unsafe bare (empty, or holding a dot, a quote, a backslash or a control
 * character). So `stats.accuracy` is the `accuracy` inside `stats`, while `"stats.accuracy"` is a
 * top-level key with a dot in it, and every name survives as written: names from data stay data.
 */

// C0 and C1 controls, DEL, and the characters that make a bare segment ambiguous.
const NEEDS_QUOTES = /[.\\"\u0000-\u001f\u007f-\u009f]/;

export function pathSegment(name: string): string {
  return name === '' || NEEDS_QUOTES.test(name) ? JSON.stringify(name) : name;
}

export function childPath(parent: string, name: string): string {
  return parent === '' ? pathSegment(name) : `${parent}.${pathSegment(name)}`;
}

export function pathOf(segments: readonly string[]): string {
  return segments.map(pathSegment).join('.');
}

/** The segments of a path made by pathOf/childPath; a path written with bare dotted names splits at its dots. */
export function segmentsOf(path: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at <= path.length) {
    if (path.charCodeAt(at) === 34) {
      const end = closingQuote(path, at);
      out.push(JSON.parse(path.slice(at, end + 1)) as string);
      at = end + 2; // past the quote and the dot after it
    } else {
      const dot = path.indexOf('.', at);
      const end = dot < 0 ? path.length : dot;
      out.push(path.slice(at, end));
      at = end + 1;
    }
  }
  return out;
}

function closingQuote(path: string, open: number): number {
  for (let i = open + 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  throw new Error(`unterminated quoted segment in attribute path ${JSON.stringify(path)}`);
}
