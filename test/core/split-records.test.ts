/** splitRecords: one JSON value per line, or several back to back; junk and truncation kept as malformed. */
import { describe, expect, test } from 'vitest';
import { splitRecords } from '../../core/split-records';

type Piece =
  | { kind: 'record'; value: unknown; text: string; index: number }
  | { kind: 'malformed'; reason: string; text: string; index: number };

function split(line: string): Piece[] {
  const out: Piece[] = [];
  splitRecords(line, {
    record: (value, text, index) => out.push({ kind: 'record', value, text, index }),
    malformed: (reason, text, index) => out.push({ kind: 'malformed', reason, text, index }),
  });
  return out;
}

const records = (pieces: Piece[]) =>
  pieces.filter((p) => p.kind === 'record').map((p) => (p as { value: unknown }).value);
const kinds = (pieces: Piece[]) => pieces.map((p) => p.kind);
const stripSpace = (s: string) => s.replace(/\s+/g, '');

describe('splitRecords', () => {
  test('one record: the value, the line verbatim, index 0', () => {
    const line = '{"event":"session_begin","id":"x","n":1.5,"ok":true,"none":null}';
    expect(split(line)).toEqual([{ kind: 'record', value: JSON.parse(line), text: line, index: 0 }]);
  });

  test('concatenated {..}{..}: each record with its own text and index', () => {
    const a = '{"event":"a","n":1}',
      b = '{"event":"b","n":2}',
      c = '{"event":"c"}';
    expect(split(a + b + c)).toEqual([
      { kind: 'record', value: { event: 'a', n: 1 }, text: a, index: 0 },
      { kind: 'record', value: { event: 'b', n: 2 }, text: b, index: 1 },
      { kind: 'record', value: { event: 'c' }, text: c, index: 2 },
    ]);
  });

  test('concatenated with spaces and tabs between: {..} {..}\\t{..}', () => {
    const pieces = split('{"a":1} {"b":2}\t{"c":3}   {"d":4}');
    expect(kinds(pieces)).toEqual(['record', 'record', 'record', 'record']);
    expect(records(pieces)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }, { d: 4 }]);
    expect(pieces.map((p) => p.text)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}']);
    expect(pieces.map((p) => p.index)).toEqual([0, 1, 2, 3]);
  });

  test('braces, brackets and quotes inside strings do not split records', () => {
    const a = '{"s":"}{","t":"{{{[[[","u":"]]]}}}"}',
      b = '{"v":"}"}';
    expect(records(split(a + b))).toEqual([{ s: '}{', t: '{{{[[[', u: ']]]}}}' }, { v: '}' }]);
  });

  test('escaped quotes and escaped backslashes inside strings', () => {
    const a = String.raw`{"s":"a\"}{\"b","t":"\\"}`; // s = a"}{"b, t = one backslash
    const b = String.raw`{"u":"\\\"}"}`; // u = \"}
    const c = String.raw`{"w":"\u007d\u007b"}`; // w = }{
    const pieces = split(a + b + c);
    expect(kinds(pieces)).toEqual(['record', 'record', 'record']);
    expect(records(pieces)).toEqual([{ s: 'a"}{"b', t: '\\' }, { u: '\\"}' }, { w: '}{' }]);
    expect(pieces.map((p) => p.text)).toEqual([a, b, c]);
  });

  test('non-ASCII text inside records', () => {
    expect(records(split('{"s":"é😀中"}{"t":"ñ"}'))).toEqual([{ s: 'é😀中' }, { t: 'ñ' }]);
  });

  test('nested objects and arrays', () => {
    const a = '{"a":{"b":{"c":[{"d":1},[2,[3]]]}},"e":[]}',
      b = '{"f":{}}';
    expect(records(split(a + b))).toEqual([JSON.parse(a), JSON.parse(b)]);
  });

  test('a truncated record at the line end is malformed, verbatim; the records before it stay', () => {
    const pieces = split('{"a":1}{"event":"purchase","id":"7c9e');
    expect(pieces[0]).toEqual({ kind: 'record', value: { a: 1 }, text: '{"a":1}', index: 0 });
    expect(pieces).toHaveLength(2);
    expect(pieces[1]).toMatchObject({ kind: 'malformed', text: '{"event":"purchase","id":"7c9e', index: 1 });
    expect((pieces[1] as { reason: string }).reason.length).toBeGreaterThan(0);
  });

  test('a line that is only a truncated record is one malformed piece, the whole line', () => {
    for (const line of ['{"event":"purchase","id":"7c9e', '{"a":{"b":1}', '{', '{"s":"}"']) {
      const pieces = split(line);
      expect(pieces, line).toHaveLength(1);
      expect(pieces[0], line).toMatchObject({ kind: 'malformed', text: line, index: 0 });
    }
  });

  test('a truncated line costs only itself: the next line parses', () => {
    expect(kinds(split('{"a":1}{"b":'))).toEqual(['record', 'malformed']);
    expect(split('{"c":3}')).toEqual([{ kind: 'record', value: { c: 3 }, text: '{"c":3}', index: 0 }]);
  });

  test('junk before a record: malformed, then the record', () => {
    const pieces = split('garbage{"a":1}');
    expect(kinds(pieces)).toEqual(['malformed', 'record']);
    expect(pieces[0]!.text).toBe('garbage');
    expect(pieces[1]).toMatchObject({ value: { a: 1 }, text: '{"a":1}' });
    expect(pieces.map((p) => p.index)).toEqual([0, 1]);
  });

  test('junk between and after records', () => {
    const pieces = split('{"a":1}xyz{"b":2} trailing words');
    expect(kinds(pieces)).toEqual(['record', 'malformed', 'record', 'malformed']);
    expect(records(pieces)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(pieces[1]!.text).toBe('xyz');
    expect(pieces[3]!.text.trim()).toBe('trailing words');
  });

  test('a stray closing brace between records', () => {
    const pieces = split('{"a":1}}{"b":2}');
    expect(kinds(pieces)).toEqual(['record', 'malformed', 'record']);
    expect(pieces[1]!.text).toBe('}');
    expect(records(pieces)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  test('a balanced but invalid record between valid ones is malformed alone', () => {
    const pieces = split('{"a":1}{"b":2,}{"c":3}');
    expect(kinds(pieces)).toEqual(['record', 'malformed', 'record']);
    expect(pieces[1]!.text).toBe('{"b":2,}');
    expect(records(pieces)).toEqual([{ a: 1 }, { c: 3 }]);
  });

  test('a line that is not JSON at all is one malformed piece', () => {
    const pieces = split('not json at all');
    expect(pieces).toHaveLength(1);
    expect(pieces[0]).toMatchObject({ kind: 'malformed', text: 'not json at all', index: 0 });
  });

  test('arrays are JSON values, passed on (the classifier rejects them)', () => {
    expect(split('[1,2,3]')).toEqual([{ kind: 'record', value: [1, 2, 3], text: '[1,2,3]', index: 0 }]);
    expect(records(split('{"a":1}[{"b":2}]{"c":3}'))).toEqual([{ a: 1 }, [{ b: 2 }], { c: 3 }]);
  });

  test('a JSON string, number, boolean or null line is passed on as that value', () => {
    expect(split('"hello {world}"')).toEqual([
      { kind: 'record', value: 'hello {world}', text: '"hello {world}"', index: 0 },
    ]);
    expect(records(split('42'))).toEqual([42]);
    expect(records(split('true'))).toEqual([true]);
    expect(records(split('null'))).toEqual([null]);
  });

  test('nothing is dropped silently: every non-blank character lands in a record or a malformed piece', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const parts = ['{"a":1}', '{"s":"}{\\"x"}', '[1,{"b":[2]}]', 'junk', '123', '{"n":{"m":{}}}', '}', '{"bad":,}'];
    for (let i = 0; i < 500; i++) {
      const count = 1 + Math.floor(random() * 6);
      let line = '';
      const expected: unknown[] = [];
      for (let k = 0; k < count; k++) {
        const part = parts[Math.floor(random() * parts.length)]!;
        line += part + (random() < 0.5 ? '' : ' ');
        if (part.startsWith('{"') && part !== '{"bad":,}') expected.push(JSON.parse(part));
        if (part.startsWith('[')) expected.push(JSON.parse(part));
      }
      if (random() < 0.3) line += '{"cut":"off';
      const pieces = split(line);
      expect(stripSpace(pieces.map((p) => p.text).join('')), line).toBe(stripSpace(line));
      expect(
        pieces.map((p) => p.index),
        line,
      ).toEqual(pieces.map((_, n) => n));
      // Every well-formed object or array among the parts comes out as a record, in order.
      const objects = records(pieces).filter((v) => typeof v === 'object' && v !== null);
      expect(objects, line).toEqual(expected);
    }
  });
});
