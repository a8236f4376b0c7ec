/** The generator's corpus, re-read independently: it parses, it is deterministic, and `expected` is its exact truth. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateTelemetry, type GenerateOptions, type GenerateResult } from '../../generator/generate-telemetry';
import { readCorpus, type Corpus } from '../helpers/telemetry-corpus';
import { ALL_KINDS, CATALOG, derive, expectGroundTruth, type Derived } from '../helpers/telemetry-ground-truth';

const root = mkdtempSync(join(tmpdir(), 'loadout-generator-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const START = new Date('2024-03-30T22:00:00Z');

async function generate(options: Partial<GenerateOptions> = {}): Promise<{ dir: string; result: GenerateResult }> {
  const dir = join(root, `run-${runs++}`);
  const result = await generateTelemetry({
    outDir: dir,
    events: 30_000,
    files: 5,
    start: START,
    hours: 24,
    ...options,
  });
  return { dir, result };
}
describe('generateTelemetry', () => {
  test('the same options give the same bytes; another seed gives others', async () => {
    const options = { events: 8_000, files: 3, seed: 7 };
    const a = await generate(options),
      b = await generate(options),
      c = await generate({ ...options, seed: 8 });
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
      expect(Object.keys(result.expected.unknown)).toEqual(
        expect.arrayContaining(['chat_message', 'achievement_unlocked']),
      );
      expect(d.drift).toEqual(expect.arrayContaining(['session_begin.region', 'match_end.stats.assists']));
      for (const table of Object.keys(CATALOG)) expect(d.distinctValid[table], table).toBeGreaterThan(0);
    });

    test('dates fall in the window, in several styles', () => {
      const from = START.getTime(),
        to = from + 24 * 3_600_000;
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
      for (const e of of('match_end'))
        expect((e.stats as { headshots: number }).headshots).toBeLessThanOrEqual(e.kills as number);
      // Purchases in several currencies at store price points; yen and won in whole units.
      const purchases = of('purchase');
      expect(new Set(purchases.map((e) => e.currency)).size).toBeGreaterThan(3);
      for (const e of purchases)
        if (e.currency === 'JPY' || e.currency === 'KRW') expect(Number.isInteger(e.amount)).toBe(true);
      // Some prices carry a float artifact (19.990000000000002), which the warehouse stores as 19.99.
      expect(purchases.some((e) => /\.\d{2}0{6,}\d$/.test(String(e.amount)))).toBe(true);
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
        const m =
          /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/loadout-stream-1-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.gz$/.exec(
            file.key,
          );
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
      events: 12_000,
      files: 3,
      gzip: false,
      crlf: true,
      bom: true,
      blankLineShare: 0.02,
      concatenatedShare: 0.3,
      seed: 3,
      duplicateShare: 0.5,
      invalidShare: 0.05,
      unknownShare: 0.02,
      driftShare: 0.05,
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
      events: 3_000,
      files: 2,
      hours: 6,
      players: 50,
      duplicateShare: 0,
      invalidShare: 0,
      unknownShare: 0,
      driftShare: 0,
      concatenatedShare: 0,
      blankLineShare: 0,
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
