/**
 * The personal values a record's raw text holds (rejects, unknown records, raw objects): top-level
 * string fields of the given names. The text is parsed when it is JSON; otherwise (a malformed or
 * cut record) each `"name": "value"` pair is found by pattern, so a broken record of an erased
 * player is still recognised by its id.
 */

/** Values of the named top-level fields of one record's text, in clear. */
export function personalValuesOfText(text: string, names: ReadonlySet<string>): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return valuesByPattern(text, names);
  }
  return personalValuesOfRecord(value, names);
}

/** Values of the named top-level fields of a parsed record. */
export function personalValuesOfRecord(value: unknown, names: ReadonlySet<string>): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const name of names) {
    const v = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

const PAIR = /"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*")/g;

function valuesByPattern(text: string, names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PAIR)) {
    const name = decode(`"${match[1]!}"`);
    if (name === undefined || !names.has(name)) continue;
    const value = decode(match[2]!);
    if (value !== undefined) out.push(value);
  }
  return out;
}

function decode(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}
