/** The output layer: names from data reach a terminal escaped, on one line, in their own column. */
import { describe, expect, test } from 'vitest';
import { formatTable } from '../../cli/output';
import { oneLine, terminalSafe, terminalSafeJson } from '../../cli/terminal-text';

/** What a terminal would act on rather than show. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const hostile = [
  ['ESC sequence', 'red\u001b[31mX\u001b[0m', 'red\\x1b[31mX\\x1b[0m'],
  ['newline and tab', 'a\nb\tc', 'a\\nb\\tc'],
  ['carriage return', 'ok\rFAKE', 'ok\\rFAKE'],
  ['bell and NUL', '\u0007\u0000', '\\x07\\x00'],
  ['DEL', 'a\u007fb', 'a\\x7fb'],
  ['C1 CSI', 'a\u009b31mb', 'a\\x9b31mb'],
  ['bidi override', 'evil\u202egpj.exe', 'evil\\u202egpj.exe'],
  ['bidi isolate', '\u2066x\u2069', '\\u2066x\\u2069'],
  ['line separator', 'a\u2028b', 'a\\u2028b'],
  ['lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ['a backslash typed in a name', 'a\\nb', 'a\\\\nb'],
  ['plain text and emoji', 'x"; DROP TABLE y; -- 🎮 é', 'x"; DROP TABLE y; -- 🎮 é'],
] as const;

describe('oneLine', () => {
  test.each(hostile)('%s', (_, raw, shown) => {
    expect(oneLine(raw)).toBe(shown);
    expect(oneLine(raw)).not.toMatch(CONTROL);
    expect(oneLine(raw)).not.toContain('\n');
  });
});

test('terminalSafe keeps newlines between lines and never escapes twice', () => {
  expect(terminalSafe('line 1\nkey \u001b[2J\u202e\nline 3')).toBe('line 1\nkey \\x1b[2J\\u202e\nline 3');
  const once = oneLine('a\u001b\\b');
  expect(terminalSafe(once)).toBe(once);
});

test('a name cannot add a row or shift a column of a table', () => {
  const table = formatTable([
    ['event', 'attribute', 'records'],
    ['purchase', 'x\nFAKE ROW\u001b[2K', 12],
    ['evil\u202e', 'tab\there', 3],
  ]);
  const lines = table.split('\n');
  expect(lines).toHaveLength(4);
  expect(table).not.toMatch(CONTROL);
  // The counts column ends at the same place on every row.
  expect(new Set(lines.filter((_, i) => i !== 1).map((l) => [...l].length))).toEqual(new Set([[...lines[2]!].length]));
  expect(lines[2]).toContain('x\\nFAKE ROW\\x1b[2K');
});

test('JSON output stays the same JSON value, with no raw control character', () => {
  const value = { key: 'a\u001b[31m\u202e\u0085\u2028\n', n: 1 };
  const json = terminalSafeJson(JSON.stringify(value));
  expect(json).not.toMatch(CONTROL);
  expect(JSON.parse(json)).toEqual(value);
});
