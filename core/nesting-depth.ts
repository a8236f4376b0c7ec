/**
 * How deep a record may nest (objects and arrays): deeper records are rejected before anything
 * walks them, so no recursion over input (JSON.stringify of a JSON-text field, the drift tracker's
 * walk, zod) can overflow the stack. 64 is far past any telemetry seen (the catalog nests 2 deep)
 * and far below what recursive code survives (JSON.stringify overflows near 10,000 on Node 20).
 */
export const MAX_NESTING_DEPTH = 64;

const OPEN_BRACE = 123,
  CLOSE_BRACE = 125,
  OPEN_BRACKET = 91,
  CLOSE_BRACKET = 93,
  QUOTE = 34,
  BACKSLASH = 92;

/** Whether the JSON text nests objects and arrays deeper than `limit`: a scan, no recursion, no parse. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  // Each level needs an opening character: a text with few of them cannot nest deep. Counting
  // them with indexOf (a native scan) spares most records the character loop below.
  if (text.length <= limit || openings(text, limit) <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** How many `{` and `[` the text holds, counting no further than `limit + 1`. */
function openings(text: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf('{'); at >= 0 && count <= limit; at = text.indexOf('{', at + 1)) count++;
  for (let at = text.indexOf('['); at >= 0 && count <= limit; at = text.indexOf('[', at + 1)) count++;
  return count;
}
