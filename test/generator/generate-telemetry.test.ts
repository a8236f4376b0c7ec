/** The generator's corpus, re-read independently: it parses, it is deterministic, and `expected` is its exact truth. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateTelemetry, type GenerateOptions, type GenerateResult } from '../../generator/generate-telemetry';
import { isIP } from 'node:net';

const root = mkdtempSync(join(tmpdir(), 'loadout-generator-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const START = new Date('2024-03-30T22:00:00Z');

async function generate(options: Partial<GenerateOptions> = {}): Promise<{ dir: string; result: GenerateResult }> {
  const dir = join(root, `run-${runs++}`);
  const result = await generateTelemetry({ outDir: dir, events: 30_000, files: 5, start: START, hours: 24, ...options });
  return { dir, result };
}

// ---------------------------------------------------------------------------------------------
// Reading the files back, without the pipeline's code: a line splitter and a brace scanner.

interface Segment {
  file: number;
  text: string;
  /** The parsed value, or undefined when the segment is not JSON (a truncated record). */
  value: unknown;
  parsed: boolean;
}

interface Corpus {
  segments: Segment[];
  lines: number;
  concatenatedLines: number;
  blankLines: number;
}

/** Splits a line into top-level JSON values written back to back; a value still open at the line end is one segment. */
function scanLine(line: string): string[] {
  const out: string[] = [];
  let depth = 0, inString = false, start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (start < 0) {
      if (c === ' ' || c === '\t') continue;
      start = i;
      if (c === '"') {
        // A bare JSON string: runs to its closing quote.
        let j = i + 1;
        while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
        out.push(line.slice(i, j + 1));
        start = -1;
        i = j;
        continue;
      }
    }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        out.push(line.slice(start, i + 1));
        start = -1;
      }
    }
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

function readCorpus(dir: string, result: GenerateResult): Corpus {
  const corpus: Corpus = { segments: [], lines: 0, concatenatedLines: 0, blankLines: 0 };
  result.files.forEach((file, index) => {
    const raw = readFileSync(join(dir, file.key));
    let text = (file.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // every line is terminated
    for (const rawLine of lines) {
      const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
      if (line.trim() === '') {
        corpus.blankLines++;
        continue;
      }
      corpus.lines++;
      const parts = scanLine(line);
      if (parts.length > 1) corpus.concatenatedLines++;
      for (const part of parts) {
        let value: unknown, parsed = true;
        try {
          value = JSON.parse(part);
        } catch {
          parsed = false;
        }
        corpus.segments.push({ file: index, text: part, value, parsed });
      }
    }
  });
  return corpus;
}

// ---------------------------------------------------------------------------------------------
// The catalog's rules, written out plainly from shared/event-catalog.md.

type Rule = (v: unknown) => boolean;
const isUuid: Rule = (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
const isTimestamp: Rule = (v) => {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return false;
  const millis = Date.parse(m[1]! + (m[3] === 'Z' ? 'Z' : m[3]));
  if (Number.isNaN(millis)) return false;
  const year = new Date(millis).getUTCFullYear();
  return year >= 2000 && year <= 2100;
};
const str = (min: number, max: number): Rule => (v) => typeof v === 'string' && v.length >= min && v.length <= max;
const num = (min = -Infinity, max = Infinity): Rule => (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const int = (min = -Infinity): Rule => (v) => typeof v === 'number' && Number.isInteger(v) && v >= min;
const oneOf = (...values: string[]): Rule => (v) => typeof v === 'string' && values.includes(v);
const boolOrAbsent: Rule = (v) => v === undefined || typeof v === 'boolean';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Table {
  key: string[];
  fields: Record<string, Rule>;
  /** Declared sub-fields of flattened objects, for drift. */
  nested?: Record<string, string[]>;
}

const CATALOG: Record<string, Table> = {
  session_begin: { key: ['id'], fields: { id: isUuid, date: isTimestamp, psess: isUuid, player_id: str(1, 64), platform: oneOf('pc', 'ps5', 'xbox', 'switch', 'ios', 'android'), app_version: str(1, 32), detailed_logging: boolOrAbsent, ip: (v) => v === undefined || (typeof v === 'string' && isIP(v) !== 0), device_id: (v) => v === undefined || str(1, 128)(v) } },
  session_end: { key: ['id'], fields: { id: isUuid, date: isTimestamp, psess: isUuid, duration_s: num(0), reason: oneOf('quit', 'disconnect', 'crash', 'kicked', 'timeout') } },
  damage_dealt: { key: ['id'], fields: { id: isUuid, date: isTimestamp, gsess: isUuid, psess: isUuid, eid: int(0), weapon: str(1, 64), amount: num(0), critical: boolOrAbsent } },
  damage_taken: { key: ['gsess', 'hit_id'], fields: { gsess: isUuid, hit_id: isUuid, date: isTimestamp, psess: isUuid, source: str(1, 64), amount: num(0) } },
  kiosk_weapon_offered: { key: ['id'], fields: { id: isUuid, date: isTimestamp, psess: isUuid, gsess: isUuid, eid: int(0), weapon: str(1, 64) } },
  purchase: { key: ['id'], fields: { id: isUuid, date: isTimestamp, psess: isUuid, player_id: str(1, 64), sku: str(1, 64), amount: num(0, 1_000_000), currency: (v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v) } },
  score_adjustment: { key: ['id'], fields: { id: isUuid, date: isTimestamp, psess: isUuid, player_id: str(1, 64), delta: int(), reason: str(0, 128) } },
  loadout_changed: {
    key: ['id'],
    fields: { id: isUuid, date: isTimestamp, psess: isUuid, items: (v) => Array.isArray(v) && v.every((i) => typeof i === 'string'), perks: (v) => v === undefined || v === null || isObject(v) },
  },
  match_end: {
    key: ['gsess', 'psess'],
    fields: {
      gsess: isUuid, psess: isUuid, date: isTimestamp, result: oneOf('win', 'loss', 'draw'), kills: int(0), deaths: int(0),
      stats: (v) => isObject(v) && num(0, 1)(v.accuracy) && int(0)(v.headshots),
    },
    nested: { stats: ['accuracy', 'headshots'] },
  },
};

const ALL_KINDS = [
  'bad_uuid', 'currency_not_upper_case', 'enum_value_outside', 'event_not_string', 'integer_as_fraction', 'json_array', 'json_string',
  'missing_required_field', 'no_event_field', 'number_as_string', 'range_above_maximum', 'range_negative', 'string_as_number',
  'string_length', 'timestamp_without_timezone', 'timestamp_year_out_of_range', 'truncated_json', 'wrong_json_type',
];

interface Derived {
  records: number;
  distinctValid: Record<string, number>;
  duplicates: number;
  invalid: number;
  junk: Record<string, number>;
  unknown: Record<string, number>;
  drift: string[];
  validWritten: number;
  driftRecords: number;
  /** Duplicates whose first copy is in another file. */
  duplicatesAcrossFiles: number;
  /** Per valid key: the distinct normalised texts seen (uuids lower-cased, keys sorted). */
  variants: Map<string, Set<string>>;
  /** Duplicates byte-identical to their first copy, differing in uuid case only, in key order only. */
  identical: number;
  caseOnly: number;
  orderOnly: number;
  dates: number[];
  dau: Record<string, Set<string>>;
  bookingsCents: Record<string, number>;
  upperCaseFresh: number;
  zones: Set<string>;
  fractions: Set<number>;
  /** The first copy of every valid event. */
  events: Record<string, unknown>[];
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v;
const UUIDS = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const lowerUuids = (text: string) => text.replace(UUIDS, (u) => u.toLowerCase());

function derive(corpus: Corpus): Derived {
  const d: Derived = {
    records: 0, distinctValid: {}, duplicates: 0, invalid: 0, junk: {}, unknown: {}, drift: [], validWritten: 0, driftRecords: 0,
    duplicatesAcrossFiles: 0, variants: new Map(), identical: 0, caseOnly: 0, orderOnly: 0, dates: [], dau: {}, bookingsCents: {},
    upperCaseFresh: 0, zones: new Set(), fractions: new Set(), events: [],
  };
  const first = new Map<string, { file: number; text: string }>();
  const drift = new Set<string>();
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  for (const seg of corpus.segments) {
    d.records++;
    if (!seg.parsed) { d.invalid++; bump(d.junk, 'truncated_json'); continue; }
    const v = seg.value;
    if (!isObject(v)) { d.invalid++; bump(d.junk, Array.isArray(v) ? 'json_array' : 'json_string'); continue; }
    if (!('event' in v)) { d.invalid++; bump(d.junk, 'no_event_field'); continue; }
    if (typeof v.event !== 'string') { d.invalid++; bump(d.junk, 'event_not_string'); continue; }
    const table = CATALOG[v.event];
    if (table === undefined) { bump(d.unknown, v.event); continue; }
    // Drift: undeclared attributes of any record of a known type.
    let undeclared = 0;
    for (const k of Object.keys(v)) {
      if (k !== 'event' && !(k in table.fields)) { drift.add(`${v.event}.${k}`); undeclared++; }
    }
    for (const [name, children] of Object.entries(table.nested ?? {})) {
      const inner = v[name];
      if (isObject(inner)) for (const k of Object.keys(inner)) if (!children.includes(k)) { drift.add(`${v.event}.${name}.${k}`); undeclared++; }
    }
    const valid = Object.entries(table.fields).every(([name, rule]) => rule(v[name]));
    if (!valid) { d.invalid++; continue; }
    d.validWritten++;
    const key = `${v.event}|${table.key.map((k) => String(v[k]).toLowerCase()).join('|')}`;
    const normalised = JSON.stringify(sortKeys(JSON.parse(lowerUuids(seg.text))));
    let variants = d.variants.get(key);
    if (variants === undefined) d.variants.set(key, (variants = new Set()));
    variants.add(normalised);
    const earlier = first.get(key);
    if (earlier !== undefined) {
      d.duplicates++;
      if (earlier.file !== seg.file) d.duplicatesAcrossFiles++;
      if (earlier.text === seg.text) d.identical++;
      else if (lowerUuids(earlier.text) === lowerUuids(seg.text)) d.caseOnly++;
      else d.orderOnly++;
      continue;
    }
    first.set(key, { file: seg.file, text: seg.text });
    d.events.push(v);
    bump(d.distinctValid, v.event);
    if (undeclared > 0) d.driftRecords++;
    const date = String(v.date);
    const zone = /(Z|[+-]\d{2}:\d{2})$/.exec(date)![1]!;
    d.zones.add(zone);
    d.fractions.add(/\.(\d+)/.exec(date)?.[1]!.length ?? 0);
    const millis = Date.parse(date.replace(/\.\d+/, '').replace(/Z$/, '') + (zone === 'Z' ? 'Z' : ''));
    d.dates.push(millis);
    if (/[A-F]/.test(String(v.psess))) d.upperCaseFresh++;
    if (v.event === 'session_begin') (d.dau[new Date(millis).toISOString().slice(0, 10)] ??= new Set()).add(String(v.player_id));
    if (v.event === 'purchase') d.bookingsCents[String(v.currency)] = (d.bookingsCents[String(v.currency)] ?? 0) + Math.round(Number(v.amount) * 100);
  }
  d.drift = [...drift].sort();
  return d;
}

function expectGroundTruth(result: GenerateResult, d: Derived): void {
  const e = result.expected;
  expect(d.records).toBe(result.records);
  expect(result.files.reduce((n, f) => n + f.records, 0)).toBe(result.records);
  expect(d.distinctValid).toEqual(Object.fromEntries(Object.entries(e.distinctValid).filter(([, n]) => n > 0)));
  expect(d.duplicates).toBe(e.duplicates);
  expect(d.invalid).toBe(e.invalid);
  expect(Object.values(e.invalidByKind).reduce((a, b) => a + b, 0)).toBe(e.invalid);
  for (const kind of ['truncated_json', 'json_array', 'json_string', 'no_event_field', 'event_not_string']) {
    expect(d.junk[kind] ?? 0, kind).toBe(e.invalidByKind[kind] ?? 0);
  }
  expect(d.unknown).toEqual(e.unknown);
  expect(d.drift).toEqual(e.drift.map((x) => `${x.event}.${x.attribute}`).sort());
  // A re-delivery never changes an event: one normalised form per key.
  for (const [key, variants] of d.variants) expect(variants.size, key).toBe(1);
  expect(Object.fromEntries(Object.entries(d.dau).map(([day, s]) => [day, s.size]))).toEqual(e.kpi.dailyActiveUsers);
  expect(Object.fromEntries(Object.entries(d.bookingsCents).map(([c, cents]) => [c, cents / 100]))).toEqual(e.kpi.bookings);
}

// ---------------------------------------------------------------------------------------------

describe('generateTelemetry', () => {
  test('the same options give the same bytes; another seed gives others', async () => {
    const options = { events: 8_000, files: 3, seed: 7 };
    const a = await generate(options), b = await generate(options), c = await generate({ ...options, seed: 8 });
    expect(b.result).toEqual(a.result);
    for (const file of a.result.files) {
      expect(readFileSync(join(b.dir, file.key)).equals(readFileSync(join(a.dir, file.key))), file.key).toBe(true);
    }
    expect(c.result.files.map((f) => f.key)).not.toEqual(a.result.files.map((f) => f.key));
  });

  describe('a default corpus', () => {
    let result: GenerateResult, corpus: Corpus, d: Derived;
    beforeAll(async () => {
      const run = await generate({ events: 40_000 });
      result = run.result;
      corpus = readCorpus(run.dir, result);
      d = derive(corpus);
    });

    test('expected is the exact truth of the files', () => {
      expectGroundTruth(result, d);
    });

    test('every line parses except the truncated records, each alone on its line', () => {
      const unparsed = corpus.segments.filter((s) => !s.parsed);
      expect(unparsed.length).toBe(result.expected.invalidByKind.truncated_json);
      for (const s of unparsed) expect(s.text.startsWith('{')).toBe(true);
    });

    test('shares are within tolerance of the options', () => {
      const n = result.records;
      expect(Math.abs(n - 40_000) / 40_000).toBeLessThan(0.04);
      // Re-deliveries repeat records of every kind; among valid records they are the duplicates.
      expect(Math.abs(result.stats.redeliveries / n - 0.33)).toBeLessThan(0.005);
      expect(Math.abs(d.duplicates / d.validWritten - 0.33)).toBeLessThan(0.01);
      expect(Math.abs(d.invalid / n - 0.01)).toBeLessThan(0.002);
      const unknown = Object.values(d.unknown).reduce((a, b) => a + b, 0);
      expect(Math.abs(unknown / n - 0.005)).toBeLessThan(0.001);
      const distinct = Object.values(d.distinctValid).reduce((a, b) => a + b, 0);
      expect(Math.abs(d.driftRecords / distinct - 0.01)).toBeLessThan(0.002);
      expect(Math.abs(corpus.concatenatedLines / corpus.lines - 0.05)).toBeLessThan(0.008);
      expect(corpus.blankLines).toBeGreaterThan(0);
      expect(corpus.blankLines / corpus.lines).toBeLessThan(0.002);
      // About half the duplicates repeat a record of an earlier file, half one of the same file.
      expect(Math.abs(d.duplicatesAcrossFiles / d.duplicates - 0.5)).toBeLessThan(0.1);
    });

    test('re-deliveries are mostly byte-identical, some differ only in uuid case or key order', () => {
      expect(d.identical / d.duplicates).toBeGreaterThan(0.75);
      expect(d.caseOnly).toBeGreaterThan(0);
      expect(d.orderOnly).toBeGreaterThan(0);
    });

    test('every kind of breach, unknown tags and drift paths are present', () => {
      expect(Object.keys(result.expected.invalidByKind).sort()).toEqual(ALL_KINDS.sort());
      expect(Object.keys(result.expected.unknown)).toEqual(expect.arrayContaining(['chat_message', 'achievement_unlocked']));
      expect(d.drift).toEqual(expect.arrayContaining(['session_begin.region', 'match_end.stats.assists']));
      for (const table of Object.keys(CATALOG)) expect(d.distinctValid[table], table).toBeGreaterThan(0);
    });

    test('dates fall in the window, in several styles', () => {
      const from = START.getTime(), to = from + 24 * 3_600_000;
      expect(Math.min(...d.dates)).toBeGreaterThanOrEqual(from);
      expect(Math.max(...d.dates)).toBeLessThan(to);
      expect(d.zones.has('Z')).toBe(true);
      expect([...d.zones].some((z) => z !== 'Z')).toBe(true);
      expect([...d.fractions].sort()).toEqual([0, 3, 6]);
      expect(d.upperCaseFresh).toBeGreaterThan(0);
      // The window crosses midnight: two days of active users.
      expect(Object.keys(result.expected.kpi.dailyActiveUsers)).toEqual(['2024-03-30', '2024-03-31']);
    });

    test('it plays like a small multiplayer game', () => {
      const of = (tag: string) => d.events.filter((e) => e.event === tag);
      const low = (v: unknown) => String(v).toLowerCase();
      // Combat is logged only for sessions with detailed logging.
      const detailed = new Map(of('session_begin').map((e) => [low(e.psess), e.detailed_logging === true]));
      const combat = [...of('damage_dealt'), ...of('damage_taken'), ...of('kiosk_weapon_offered')];
      const known = combat.filter((e) => detailed.has(low(e.psess)));
      expect(known.length).toBeGreaterThan(combat.length / 2);
      for (const e of known) expect(detailed.get(low(e.psess))).toBe(true);
      const share = [...detailed.values()].filter(Boolean).length / detailed.size;
      expect(share).toBeGreaterThan(0.05);
      expect(share).toBeLessThan(0.5);
      // Matches gather several players, each with one match_end.
      const perMatch = new Map<string, number>();
      for (const e of of('match_end')) perMatch.set(low(e.gsess), (perMatch.get(low(e.gsess)) ?? 0) + 1);
      expect([...perMatch.values()].reduce((a, b) => a + b, 0) / perMatch.size).toBeGreaterThan(3);
      for (const e of of('match_end')) expect((e.stats as { headshots: number }).headshots).toBeLessThanOrEqual(e.kills as number);
      // Purchases in several currencies at store price points; yen and won in whole units.
      const purchases = of('purchase');
      expect(new Set(purchases.map((e) => e.currency)).size).toBeGreaterThan(3);
      for (const e of purchases) if (e.currency === 'JPY' || e.currency === 'KRW') expect(Number.isInteger(e.amount)).toBe(true);
      expect(of('score_adjustment').some((e) => (e.delta as number) < 0)).toBe(true);
      expect(of('loadout_changed').some((e) => e.perks !== undefined)).toBe(true);
      expect(of('loadout_changed').some((e) => e.perks === undefined)).toBe(true);
      expect(of('session_begin').some((e) => e.detailed_logging === undefined)).toBe(true);
      expect(new Set(of('session_end').map((e) => e.reason)).size).toBeGreaterThan(3);
      expect(new Set(of('session_begin').map((e) => e.platform)).size).toBe(6);
      expect(result.stats.distinctPlayers).toBeGreaterThan(400);
    });

    test('objects are named and partitioned as Firehose does, one time slice each', () => {
      expect(result.files).toHaveLength(5);
      const slice = (24 * 3_600_000) / 5;
      result.files.forEach((file, i) => {
        const m = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/loadout-stream-1-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.gz$/.exec(file.key);
        expect(m, file.key).not.toBeNull();
        const [, y, mo, dd, h, y2, mo2, dd2, h2, mi, s] = m!;
        expect([y2, mo2, dd2, h2]).toEqual([y, mo, dd, h]);
        const named = Date.UTC(Number(y2), Number(mo2) - 1, Number(dd2), Number(h2), Number(mi), Number(s));
        expect(named).toBeGreaterThanOrEqual(START.getTime() + i * slice - 1000);
        expect(named).toBeLessThan(START.getTime() + (i + 1) * slice);
        expect(file.bytes).toBeGreaterThan(0);
        expect(file.records).toBeGreaterThan(0);
      });
      expect([...result.files.map((f) => f.key)].sort()).toEqual(result.files.map((f) => f.key));
    });
  });

  test('format quirks: plain, CRLF, BOM, many blank and concatenated lines; expected still exact', async () => {
    const { dir, result } = await generate({
      events: 12_000, files: 3, gzip: false, crlf: true, bom: true, blankLineShare: 0.02, concatenatedShare: 0.3, seed: 3,
      duplicateShare: 0.5, invalidShare: 0.05, unknownShare: 0.02, driftShare: 0.05,
    });
    for (const f of result.files) expect(f.key.endsWith('.jsonl')).toBe(true);
    const first = readFileSync(join(dir, result.files[0]!.key));
    expect([...first.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(first.includes('\r\n')).toBe(true);
    const corpus = readCorpus(dir, result);
    expect(corpus.blankLines).toBeGreaterThan(0);
    expect(Math.abs(corpus.concatenatedLines / corpus.lines - 0.3)).toBeLessThan(0.03);
    const d = derive(corpus);
    expectGroundTruth(result, d);
    expect(Math.abs(result.stats.redeliveries / result.records - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(d.duplicates / d.validWritten - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(d.invalid / result.records - 0.05)).toBeLessThan(0.006);
  });

  test('zero shares give a clean corpus; a small one still holds every event type', async () => {
    const { dir, result } = await generate({
      events: 3_000, files: 2, hours: 6, players: 50, duplicateShare: 0, invalidShare: 0, unknownShare: 0, driftShare: 0, concatenatedShare: 0, blankLineShare: 0,
    });
    const d = derive(readCorpus(dir, result));
    expectGroundTruth(result, d);
    expect(result.expected).toMatchObject({ duplicates: 0, invalid: 0, unknown: {}, drift: [] });
    expect(d.records).toBe(Object.values(d.distinctValid).reduce((a, b) => a + b, 0));
    expect(Math.abs(result.records - 3_000) / 3_000).toBeLessThan(0.1);
    for (const table of Object.keys(CATALOG)) expect(d.distinctValid[table], table).toBeGreaterThan(0);
  });

  test('defaults: yesterday in UTC, 8 gzip objects', async () => {
    const dir = join(root, 'defaults');
    const result = await generateTelemetry({ outDir: dir, events: 2_000 });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).replace(/-/g, '/');
    expect(result.files).toHaveLength(8);
    expect(result.files[0]!.key.startsWith(`${yesterday}/00/loadout-stream-1-`)).toBe(true);
    expect(result.files.every((f) => f.key.endsWith('.gz'))).toBe(true);
  });

  test.each([
    [{ files: 0 }, /files/],
    [{ events: -1 }, /events/],
    [{ hours: 0 }, /hours/],
    [{ duplicateShare: 1 }, /duplicateShare/],
    [{ invalidShare: 1.5 }, /invalidShare/],
    [{ start: new Date('1999-06-01T00:00:00Z') }, /2000-2100/],
  ])('refuses %o', async (options, message) => {
    await expect(generateTelemetry({ outDir: join(root, 'refused'), ...options })).rejects.toThrow(message);
  });
});
