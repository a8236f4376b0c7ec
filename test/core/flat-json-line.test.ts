/**
 * FlatJsonLine: what it accepts is valid JSON, each record's tokens give back exactly what
 * JSON.parse gives, and every other line (escapes, nesting, malformed) is refused as a whole.
 */
import { describe, expect, test } from 'vitest';
import { FALSE, FlatJsonLine, KEY_FIELDS, NULL, NUMBER, STRING, TRUE, numberValue } from '../../core/flat-json-line';
import { splitRecords } from '../../core/split-records';
import { mulberry32 } from '../helpers/catalog-samples';

/** The records as JSON.parse would give them, rebuilt from the tokens; undefined when refused. */
function records(text: string): Record<string, unknown>[] | undefined {
  const bytes = Buffer.from(text);
  const line = new FlatJsonLine();
  if (!line.tokenize(bytes, 0, bytes.length)) return undefined;
  const out: Record<string, unknown>[] = [];
  for (let r = 0; r < line.records; r++) {
    const first = line.spans[r * 4 + 2]!,
      count = line.spans[r * 4 + 3]!;
    const record: Record<string, unknown> = {};
    for (let n = first; n < first + count; n++) {
      const [ks, ke, vs, ve, kind] = line.keys.subarray(n * KEY_FIELDS, n * KEY_FIELDS + KEY_FIELDS);
      const key = bytes.toString('utf8', ks, ke);
      record[key] =
        kind === STRING
          ? bytes.toString('utf8', vs, ve)
          : kind === NUMBER
            ? numberValue(bytes, vs!, ve!)
            : kind === TRUE
              ? true
              : kind === FALSE
                ? false
                : kind === NULL
                  ? null
                  : 'bad kind';
    }
    // The span is the record's own text.
    expect(JSON.parse(bytes.toString('utf8', line.spans[r * 4], line.spans[r * 4 + 1]))).toEqual(record);
    out.push(record);
  }
  return out;
}

/** What the string path (splitRecords) makes of the line: the records' values, or undefined if any segment is malformed. */
function parsedEach(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  let malformed = false;
  splitRecords(text, { record: (value) => values.push(value), malformed: () => (malformed = true) });
  return malformed ? undefined : values;
}

describe('FlatJsonLine: accepted lines', () => {
  test.each([
    '{"event":"a","n":1}',
    '{"event":"a","id":"0f8fad5b-d9cb-469f-a165-70867728950e","x":-0.5,"t":true,"f":false,"z":null}',
    '{}',
    '  {"a":1}  ',
    '{ "a" : 1 , "b" : "two" }',
    '{"a":1}{"b":2}{"c":3}',
    '{"a":1} {"b":2}\t{"c":3}\r',
    '{"s":"é中😀 and \u007f"}',
    '{"n":0,"m":-0,"e":1e5,"E":2E-3,"p":1.5e+2,"big":12345678901234567890,"small":5e-324,"long":0.1234567890123456789}',
  ])('%s', (text) => {
    const got = records(text);
    expect(got).toBeDefined();
    expect(got).toEqual(parsedEach(text));
  });

  test('-0 stays -0', () => {
    expect(Object.is(records('{"m":-0}')![0]!.m, -0)).toBe(true);
    expect(Object.is(records('{"m":-0.0}')![0]!.m, -0)).toBe(true);
  });
});

describe('FlatJsonLine: refused lines (they take the string path)', () => {
  test.each([
    '',
    '   ',
    '[1,2]',
    '"text"',
    '42',
    'null',
    'not json',
    '{"a":"with \\"escape\\""}',
    '{"a\\u0041":1}',
    '{"a":"tab\there"}',
    '{"a":{"b":1}}',
    '{"a":[1]}',
    '{"a":1,}',
    '{,}',
    '{"a" 1}',
    '{"a":}',
    '{"a":1',
    '{"a":1}}',
    '{"a":1}x',
    '{"a":1},{"b":2}',
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":-}',
    '{"a":1e}',
    '{"a":+1}',
    '{"a":tru}',
    '{"a":nul}',
    '{"a":True}',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":"unterminated}',
    '{a:1}',
    "{'a':1}",
  ])('%s', (text) => {
    expect(records(text)).toBeUndefined();
  });
});

describe('FlatJsonLine against JSON.parse on mutated lines', () => {
  test('whatever it accepts parses, record by record, to the same values', () => {
    const base =
      '{"event":"damage_dealt","id":"0f8fad5b-d9cb-469f-a165-70867728950e","amount":12.5,"eid":7,"critical":false,"w":null}{"event":"x","s":"é"}';
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      ' ',
      '\\',
      '-',
      '.',
      'e',
      '0',
      '1',
      't',
      'n',
      'f',
      '\t',
      'a',
      'é',
    ];
    const random = mulberry32(20261123);
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      let text = base;
      for (let m = 0; m < 1 + Math.floor(random() * 3); m++) {
        const at = Math.floor(random() * text.length);
        const op = random();
        const c = alphabet[Math.floor(random() * alphabet.length)]!;
        text =
          op < 0.33
            ? text.slice(0, at) + text.slice(at + 1)
            : op < 0.66
              ? text.slice(0, at) + c + text.slice(at)
              : text.slice(0, at) + c + text.slice(at + 1);
      }
      const got = records(text); // asserts each accepted record's span parses to the tokens' values
      if (got === undefined) continue;
      accepted++;
      // Accepted as a whole: the line is valid JSON objects only, and the count matches.
      expect(got, text).toEqual(parsedEach(text));
    }
    expect(accepted).toBeGreaterThan(2000);
  });
});

describe('numberValue', () => {
  test('equals JSON.parse for every number the grammar allows, short and long', () => {
    const random = mulberry32(7);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const texts = [
      '0',
      '-0',
      '1',
      '-1',
      '0.1',
      '0.2',
      '0.3',
      '81.7',
      '4.99',
      '999999999999999',
      '9999999999999999',
      '0.000000000000001',
      '123456789012345.6',
      '1e21',
      '5e-324',
      '1.7976931348623157e308',
    ];
    for (let i = 0; i < 50000; i++) {
      const intPart = random() < 0.2 ? '0' : String(1 + Math.floor(random() * 9)) + digits(Math.floor(random() * 18));
      const frac = random() < 0.6 ? `.${digits(1 + Math.floor(random() * 20))}` : '';
      const exp = random() < 0.1 ? `e${random() < 0.5 ? '-' : ''}${Math.floor(random() * 30)}` : '';
      texts.push(`${random() < 0.3 ? '-' : ''}${intPart}${frac}${exp}`);
    }
    for (const text of texts) {
      const bytes = Buffer.from(text);
      expect(Object.is(numberValue(bytes, 0, bytes.length), JSON.parse(text)), text).toBe(true);
    }
  });
});
