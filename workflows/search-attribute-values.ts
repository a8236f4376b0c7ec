/**
 * Object keys as search attribute values, within Temporal's limits. Workflow code: pure and
 * deterministic, no Node built-ins.
 *
 * Temporal refuses a search attribute whose encoded value exceeds 2 KB (`limit.searchAttributesSizeOfValue`,
 * the default on the dev server, self-hosted clusters and Temporal Cloud) and all of a workflow's
 * together beyond 40 KB (`limit.searchAttributesTotalSize`). A KeywordList is one value: its JSON
 * array counts whole. So each key is capped (a long one keeps its start, its end and a hash of the
 * whole, so it stays recognisable and distinct), and the list stops before the array's budget.
 * The full list always stays in the workflow's input.
 */
import { MAX_OBJECTS_IN_SEARCH_ATTRIBUTE } from './search-attributes';

/** Longest key kept whole, in UTF-8 bytes; longer ones are shortened to about this size. */
export const MAX_KEY_BYTES = 200;
/** The JSON array's budget in UTF-8 bytes: under the 2 KB per-value limit, with room to spare. */
export const MAX_KEY_LIST_BYTES = 1900;

const HEAD_CODE_POINTS = 100;
const TAIL_CODE_POINTS = 60;

/**
 * The value a key takes in a search attribute: the key itself up to MAX_KEY_BYTES, otherwise
 * `<first 100 characters>…<last 60 characters>#<8 hex digits of FNV-1a over the key's UTF-8>`.
 * The CLI can compute the same value to find a batch by a long key.
 */
export function searchAttributeKey(key: string): string {
  if (utf8Length(JSON.stringify(key)) - 2 <= MAX_KEY_BYTES) return key;
  const points = Array.from(key); // code points: never split a surrogate pair
  const head = points.slice(0, HEAD_CODE_POINTS);
  const tail = points.slice(-TAIL_CODE_POINTS);
  let shortened = `${head.join('')}…${tail.join('')}#${fnv1a32(key)}`;
  // Keys full of characters that JSON escapes or UTF-8 widens: trim the head and tail until it fits.
  for (
    let keep = TAIL_CODE_POINTS;
    utf8Length(JSON.stringify(shortened)) - 2 > MAX_KEY_BYTES && keep > 1;
    keep = Math.floor(keep / 2)
  ) {
    shortened = `${head.slice(0, keep).join('')}…${tail.slice(-keep).join('')}#${fnv1a32(key)}`;
  }
  return shortened;
}

/**
 * The keys for a KeywordList search attribute (LoadoutObjects): at most `maxCount`
 * (MAX_OBJECTS_IN_SEARCH_ATTRIBUTE), each through searchAttributeKey, in order, stopping before the
 * encoded list would pass MAX_KEY_LIST_BYTES. Always at least the first key when there is one.
 */
export function searchAttributeKeys(keys: readonly string[], maxCount = MAX_OBJECTS_IN_SEARCH_ATTRIBUTE): string[] {
  const out: string[] = [];
  let bytes = 2; // "[" and "]"
  for (const key of keys) {
    if (out.length >= maxCount) break;
    const value = searchAttributeKey(key);
    const cost = utf8Length(JSON.stringify(value)) + (out.length > 0 ? 1 : 0); // the comma
    if (bytes + cost > MAX_KEY_LIST_BYTES) break;
    out.push(value);
    bytes += cost;
  }
  return out;
}

/**
 * Table names for LoadoutTables: as many as fit the byte budget (about 100 names of 16 characters).
 * A batch of 300 event types would otherwise exceed the 2 KB limit and fail its workflow task.
 */
export function searchAttributeTables(tables: readonly string[]): string[] {
  return searchAttributeKeys(tables, Number.MAX_SAFE_INTEGER);
}

/** UTF-8 length of a string; lone surrogates count as the 3 bytes of U+FFFD, as an encoder writes them. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** 32-bit FNV-1a over the UTF-8 bytes, as 8 hex digits: short, stable across runtimes, no crypto needed. */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  const byte = (b: number) => {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193);
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // Lone surrogates hash as U+FFFD, like the encoder would write them.
    const c = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
    if (c < 0x80) byte(c);
    else if (c < 0x800) {
      byte(0xc0 | (c >> 6));
      byte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      byte(0xe0 | (c >> 12));
      byte(0x80 | ((c >> 6) & 0x3f));
      byte(0x80 | (c & 0x3f));
    } else {
      byte(0xf0 | (c >> 18));
      byte(0x80 | ((c >> 12) & 0x3f));
      byte(0x80 | ((c >> 6) & 0x3f));
      byte(0x80 | (c & 0x3f));
    }
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
