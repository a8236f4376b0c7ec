/**
 * Byte-identical repeated lines: the line fingerprint, the set of seen lines, and BatchProcessor,
 * whose outputs must be exactly those of the full path (every repeat parsed and validated).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../core/batch-processor';
import { fingerprint, fingerprintBytes } from '../../core/line-fingerprint';
import { readLines } from '../../core/read-lines';
import { NOT_SEEN, SeenLines, UNTRACKED } from '../../core/seen-lines';
import { loadCatalog, type Catalog } from '../../schemas/catalog';

const fp = (text: string): [number, number] => {
  const bytes = Buffer.from(text, 'latin1');
  fingerprintBytes(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length);
  return [fingerprint.high, fingerprint.low];
};

describe('fingerprintBytes', () => {
  test('equal bytes give equal fingerprints wherever they sit in the buffer', () => {
    const line = '{"event":"purchase","id":"0b6c0a52-3f0e-4f5e-9d1a-2f1d9b1c7e11"}';
    const bytes = Buffer.from(`xyz${line}\n${line}`, 'latin1');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    fingerprintBytes(view, 3, 3 + line.length);
    const first = [fingerprint.high, fingerprint.low];
    fingerprintBytes(view, 4 + line.length, bytes.length);
    expect([fingerprint.high, fingerprint.low]).toEqual(first);
    expect(fp(line)).toEqual(first);
  });

  test('any one byte changed, and any length from 0 to 40, changes the fingerprint', () => {
    const base = '{"event":"damage_dealt","amount":12.5,"weapon":"rifle"}';
    const seen = new Map<string, string>();
    const add = (text: string) => {
      const key = fp(text).join(',');
      expect(seen.get(key), `${JSON.stringify(text)} collides with ${JSON.stringify(seen.get(key))}`).toBeUndefined();
      seen.set(key, text);
    };
    add(base);
    for (let i = 0; i < base.length; i++) add(base.slice(0, i) + String.fromCharCode(base.charCodeAt(i) ^ 1) + base.slice(i + 1));
    for (let n = 0; n <= 40; n++) add('a'.repeat(n) + '|');
    for (let n = 1; n <= 40; n++) add('b'.repeat(n));
  });

  test('no collision among 200,000 distinct lines that differ in a counter', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(fp(`{"event":"session_end","duration_s":${i},"reason":"quit"}`).join(','));
    expect(seen.size).toBe(200_000);
  });

  test('never 0/0, which means "no fingerprint"', () => {
    for (let n = 0; n < 64; n++) expect(fp('x'.repeat(n))).not.toEqual([0, 0]);
  });
});

describe('SeenLines', () => {
  test('finds what was added, with its variation id; not what was not', () => {
    const seen = new SeenLines(16);
    expect(seen.find(1, 2)).toBe(NOT_SEEN);
    seen.add(1, 2, 7);
    seen.add(1, 3, UNTRACKED);
    seen.add(2, 2, 0);
    expect([seen.find(1, 2), seen.find(1, 3), seen.find(2, 2), seen.find(2, 1), seen.find(3, 2)]).toEqual([7, UNTRACKED, 0, NOT_SEEN, NOT_SEEN]);
    expect(seen.size).toBe(3);
  });

  test('colliding slots probe on; when three quarters full it starts again empty', () => {
    const seen = new SeenLines(16);
    for (let i = 1; i <= 12; i++) seen.add(i, 0, i);
    for (let i = 1; i <= 12; i++) expect(seen.find(i, 0)).toBe(i);
    seen.add(13, 0, 13);
    expect(seen.size).toBe(1);
    expect(seen.find(1, 0)).toBe(NOT_SEEN);
    expect(seen.find(13, 0)).toBe(13);
  });

  test('capacity must be a power of two', () => {
    expect(() => new SeenLines(100)).toThrow(/power of two/);
  });
});

describe('readLines fingerprints', () => {
  async function fingerprints(chunks: Buffer[]): Promise<[string, number, number][]> {
    const out: [string, number, number][] = [];
    await readLines('a.json', Readable.from(chunks), (text, _n, high, low) => out.push([text, high, low]));
    return out;
  }

  test('identical lines get identical fingerprints, CRLF lines their own; a line cut across chunks gets none', async () => {
    const text = 'aaaa\nbbbb\naaaa\naaaa\r\nbb';
    const lines = await fingerprints([Buffer.from(text.slice(0, 22)), Buffer.from(text.slice(22))]);
    expect(lines.map(([t]) => t)).toEqual(['aaaa', 'bbbb', 'aaaa', 'aaaa', 'bb']);
    const [a, b, a2, crlf, cut] = lines.map(([, h, l]) => [h, l]);
    expect(a2).toEqual(a);
    expect(a).toEqual(fp('aaaa'));
    expect(b).toEqual(fp('bbbb'));
    expect(crlf).toEqual(fp('aaaa\r'));
    expect(cut).toEqual([0, 0]);
  });

  test('lines of a chunk with non-ASCII text get none (their characters are not their bytes)', async () => {
    const lines = await fingerprints([Buffer.from('{"s":"é"}\n{"s":"e"}\n')]);
    expect(lines.map(([, h, l]) => [h, l])).toEqual([[0, 0], [0, 0]]);
  });
});

describe('BatchProcessor: repeated lines give the outputs of the full path', () => {
  let catalog: Catalog;
  let root: string;
  beforeAll(async () => {
    catalog = await loadCatalog();
    root = mkdtempSync(join(tmpdir(), 'loadout-repeated-lines-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  const uuid = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def012345678`;
  const j = (o: object) => JSON.stringify(o);
  const V1 = j({ event: 'session_end', id: uuid(1), date: '2026-11-22T10:00:00Z', psess: uuid(100), duration_s: 5, reason: 'quit', build: 7 });
  const V2 = j({ event: 'session_end', id: uuid(2), date: '2026-11-22T10:00:00Z', psess: uuid(100), duration_s: 6, reason: 'quit' });
  const V3 = j({ event: 'purchase', id: uuid(3), date: '2026-11-22T10:00:00Z', psess: uuid(100), player_id: 'p', sku: 'gold', amount: 1, currency: 'EUR' });
  const INVALID = j({ event: 'session_end', id: uuid(4), date: '2026-11-22T10:00:00Z', psess: uuid(100), duration_s: -1, reason: 'quit' });
  const UNKNOWN = j({ event: 'chat_message', id: uuid(5), text: 'gg' });
  const LINES = [
    V1, //                 1 valid, drift `build`
    V1, //                 2 the same line: a duplicate, without parsing
    INVALID, //            3 rejected
    INVALID, //            4 rejected again, with its own line number
    UNKNOWN, //            5 unknown
    UNKNOWN, //            6 unknown again
    `xx${V2}`, //          7 junk + V2: a malformed segment and a valid record
    `xx${V2}`, //          8 again: the junk is rejected again, V2 is a duplicate
    V3 + V2, //            9 two records: V3 new, V2 a duplicate
    V3 + V2, //           10 both duplicates
    V1, //                11 a third time
    `${V1}\r`, //         12 the same record with a CRLF end: other bytes, full path, a duplicate by key
  ];

  async function run(tables?: string[]): Promise<{ out: BatchOutput; hits: number }> {
    const find = vi.spyOn(SeenLines.prototype, 'find');
    const processor = new BatchProcessor({ catalog, workDir: join(root, String(Math.random()).slice(2)), tables });
    await processor.processObject('raw/repeats.json', Readable.from([Buffer.from(LINES.join('\n'))]), undefined, '2026-11-22T10:00:00.000Z');
    const out = await processor.finish();
    const hits = find.mock.results.filter((r) => r.value !== NOT_SEEN).length;
    return { out, hits };
  }

  test('stats, rejects, unknown records and drift counts', async () => {
    const { out, hits } = await run();
    expect(hits).toBe(2); // lines 2 and 11: the only repeats of a line holding one valid record
    const s = out.stats;
    expect(s.records).toBe(16);
    expect(s.valid).toBe(10);
    expect(s.duplicates).toBe(7);
    expect(s.events).toEqual({ session_end: 2, purchase: 1 });
    expect(s.rejected).toBe(4);
    expect(s.unknown).toEqual({ chat_message: 2 });
    const rejects = readFileSync(out.rejectsPath!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; field?: string });
    expect(rejects.map((r) => [r.line, r.field ?? null])).toEqual([[3, 'duration_s'], [4, 'duration_s'], [7, null], [8, null]]);
    expect(readFileSync(out.unknownPath!, 'utf8')).toBe(`${UNKNOWN}\n${UNKNOWN}\n`);
    const sessionEnd = out.variations.filter((v) => v.event === 'session_end');
    expect(sessionEnd.map((v) => [v.undeclared, v.count]).sort()).toEqual([[[], 6], [['build'], 4]]); // V2 four times, INVALID twice; V1 four times
    expect(s.drift).toEqual([expect.objectContaining({ event: 'session_end', attribute: 'build', count: 4 })]);
  });

  test('with a table filter, repeats of lines outside it are skipped every time', async () => {
    const { out, hits } = await run(['purchase']);
    expect(hits).toBe(0);
    expect(out.stats.skipped).toBe(10); // V1 and V2 four times each, INVALID twice
    expect(out.stats.events).toEqual({ purchase: 1 });
    expect(out.stats.duplicates).toBe(1);
  });
});
