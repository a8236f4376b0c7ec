/**
 * Text from data (event and attribute names, object keys, failure reasons) made safe for a
 * terminal: no control character, escape sequence or bidi override reaches it, and a name
 * cannot add a line or shift a column. The output layer applies this; commands need not.
 */

/**
 * Characters a terminal acts on instead of showing: C0 (tab and newline too), DEL, C1 (which
 * holds the 8-bit CSI), the bidi embeddings, overrides, isolates and marks, the line and paragraph
 * separators, and lone surrogates (not text at all).
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same, except newline: what a block of lines may hold. */
const UNSAFE_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One value shown on one line or in one table cell: every unsafe character (newline included)
 * as a backslash escape, and backslash itself doubled, so `a\nb` typed in a name and a real
 * newline in a name print differently.
 */
export function oneLine(value: unknown): string {
  return String(value).replaceAll('\\', '\\\\').replace(UNSAFE, escapeChar);
}

/**
 * A block of lines about to be written: unsafe characters escaped, newlines kept. Text that
 * went through `oneLine` holds none of them, so this never escapes twice.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

/** Inside a JSON string, the unsafe characters JSON.stringify leaves raw, as \u escapes: the same JSON value. */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafeJson(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
