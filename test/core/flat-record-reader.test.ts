/**
 * The byte-level fast lane's reader against the string path's rules (EventType.toRow on the parsed
 * record): whatever record it reads, it reads to the same row; it leaves every other record to
 * the string path; and it does read the ordinary valid records of every flat event type.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { FlatJsonLine } from '../../core/flat-json-line';
import { FlatRecordReader } from '../../core/flat-record-reader';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import type { EventType } from '../../schemas/define-event';
import { PALETTE, VALID, fieldPaths, mulberry32, withValue } from '../helpers/catalog-samples';

let catalog: Catalog;
let reader: FlatRecordReader;
beforeAll(async () => {
  catalog = await loadCatalog();
  reader = new FlatRecordReader(catalog);
});

const line = new FlatJsonLine();

/** The fast lane's row for a one-record line (byte values decoded, uuids lower-cased as the writer does), or why it declined. */
function fastRow(type: EventType, text: string): unknown[] | 'line refused' | 'not routed' | 'record refused' {
  const bytes = Buffer.from(text);
  if (!line.tokenize(bytes, 0, bytes.length) || line.records !== 1) return 'line refused';
  const plan = reader.route(bytes, line, 0);
  if (plan === undefined) return 'not routed';
  expect(FLAT()).toContain(type);
  expect(plan.type).toBe(type);
  if (!reader.read(bytes, line, 0, plan)) return 'record refused';
  const keyNames = reader.keyNames.slice(0, reader.keyCount);
  expect(keyNames).toEqual(Object.keys(JSON.parse(text)));
  return type.columns.map((_, i) => {
    if (reader.starts[i]! < 0) return reader.values[i];
    const text = bytes.toString('utf8', reader.starts[i], reader.ends[i]);
    return type.uuidColumns[i] ? text.toLowerCase() : text;
  });
}

interface Disagreement {
  text: string;
  fast: unknown;
  toRow: unknown;
}

/** Undefined when the fast lane either declines or gives exactly toRow's row. */
function disagreement(type: EventType, text: string): Disagreement | undefined {
  const fast = fastRow(type, text);
  if (typeof fast === 'string') return undefined;
  const row = type.toRow(JSON.parse(text));
  const same = row !== undefined && row.length === fast.length && row.every((v, i) => Object.is(v, fast[i]));
  return same ? undefined : { text, fast, toRow: row };
}

/** Flattened objects and JSON text are the shapes of the shipped catalog the fast lane leaves to the string path. */
const FLAT = () => catalog.eventTypes.filter((t) => t.columns.every((c) => c.path.length === 1 && c.type !== 'json'));

describe('FlatRecordReader', () => {
  test('reads the valid example of every flat event type, as toRow does, in any key order and spacing', () => {
    expect(FLAT().length).toBeGreaterThanOrEqual(catalog.eventTypes.length - 2);
    const random = mulberry32(99);
    for (const type of FLAT()) {
      const base = VALID[type.tag]!;
      const variants = [JSON.stringify(base), JSON.stringify(base, null, 1).replaceAll('\n', ' ')];
      for (let i = 0; i < 20; i++) {
        const keys = Object.keys(base).sort(() => random() - 0.5);
        variants.push(JSON.stringify(Object.fromEntries(keys.map((k) => [k, base[k]]))));
      }
      for (const text of variants) {
        const fields = new Set(Object.keys(type.declaration.fields));
        const needsString = Object.entries(base).some(
          ([k, v]) => fields.has(k) && typeof v === 'string' && type.declaration.fields[k]!.fromBytes === undefined,
        );
        const fast = fastRow(type, text);
        if (needsString) expect(fast, text).toBe('record refused');
        else expect(fast, text).toEqual(type.toRow(base));
      }
    }
  });

  test.each(Object.keys(VALID))('%s: every field x every palette value: the same row as toRow, or declined', (tag) => {
    const type = catalog.eventType(tag)!;
    const base = VALID[tag]!;
    const disagreements: Disagreement[] = [];
    let read = 0;
    for (const path of fieldPaths(base)) {
      for (const value of PALETTE) {
        const text = JSON.stringify(withValue(base, path, value));
        const d = disagreement(type, text);
        if (d) disagreements.push(d);
        if (Array.isArray(fastRow(type, text))) read++;
      }
    }
    expect(disagreements).toEqual([]);
    if (FLAT().includes(type) && type.tag !== 'purchase') expect(read).toBeGreaterThan(20);
  });

  test.each(Object.keys(VALID))(
    '%s: random records from valid and palette values, undeclared keys, repeated keys',
    (tag) => {
      const type = catalog.eventType(tag)!;
      const base = VALID[tag]!;
      const paths = fieldPaths(base);
      const random = mulberry32(tag.length * 31337);
      const disagreements: Disagreement[] = [];
      for (let i = 0; i < 1500; i++) {
        let record = base;
        for (const path of paths) {
          if (random() < 0.15) record = withValue(record, path, PALETTE[Math.floor(random() * PALETTE.length)]);
        }
        if (random() < 0.2) record = { ...record, extra_field: PALETTE[Math.floor(random() * PALETTE.length)] ?? null };
        let text = JSON.stringify(record);
        // A repeated key: JSON.parse keeps the last value, which the fast lane must not misread.
        if (random() < 0.2) {
          const key = paths[Math.floor(random() * paths.length)]![0]!;
          text = `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(PALETTE[Math.floor(random() * PALETTE.length)] ?? null)}}`;
        }
        if (random() < 0.1) text = text.replace('"event":', '"event":"other","event":');
        const d = disagreement(type, text);
        if (d) disagreements.push(d);
      }
      expect(disagreements).toEqual([]);
    },
  );

  test('a record without `event`, with a non-string or unknown tag, or an invalid value is not routed or not read', () => {
    const base = VALID.damage_dealt!;
    const type = catalog.eventType('damage_dealt')!;
    expect(fastRow(type, JSON.stringify({ ...base, event: undefined }))).toBe('not routed');
    expect(fastRow(type, JSON.stringify({ ...base, event: 5 }))).toBe('not routed');
    expect(fastRow(type, JSON.stringify({ ...base, event: 'damage_dealt_v2' }))).toBe('not routed');
    expect(fastRow(type, JSON.stringify({ ...base, eid: 7.5 }))).toBe('record refused');
  });

  test('undeclared scalar keys (drift) are read as names, in record order; numeric, empty, __proto__ and repeated ones are declined', () => {
    const base = VALID.damage_dealt!;
    const type = catalog.eventType('damage_dealt')!;
    const row = type.toRow(base);
    for (const extra of [
      { region: 'eu' },
      { distance_m: 151.8, région: null, zone: true },
      { a: 1, b: 'x', c: false },
    ]) {
      const text = JSON.stringify({ ...base, ...extra });
      expect(fastRow(type, text), text).toEqual(row);
      // The same names again, found among the remembered ones.
      expect(fastRow(type, text), text).toEqual(row);
    }
    // More distinct names than the reader remembers: still read, each decoded.
    for (let i = 0; i < 80; i++) expect(fastRow(type, JSON.stringify({ ...base, [`attr_${i}`]: i }))).toEqual(row);
    expect(fastRow(type, JSON.stringify({ ...base, 7: 'x' }))).toBe('record refused');
    expect(fastRow(type, JSON.stringify({ ...base, '': 'x' }))).toBe('record refused');
    expect(fastRow(type, `${JSON.stringify(base).slice(0, -1)},"__proto__":1}`)).toBe('record refused');
    expect(fastRow(type, `${JSON.stringify({ ...base, region: 'eu' }).slice(0, -1)},"region":"us"}`)).toBe(
      'record refused',
    );
    // Nested drift is left to the string path whole: the line is refused.
    expect(fastRow(type, JSON.stringify({ ...base, position: { x: 1 } }))).toBe('line refused');
  });
});
