/**
 * BatchProcessor on messy input: every property of the data is decided on the first attempt, as a
 * reject of the record or an unreadable object, and names from data stay data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { BatchProcessor, type BatchOutput, type UnreadableObject } from '../../core/batch-processor';
import { MAX_NESTING_DEPTH } from '../../core/nesting-depth';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { duckDbScratch } from '../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

const u = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def012345678`;
const j = (o: object) => JSON.stringify(o);
const DATE = '2026-11-22T10:00:00Z';
const session = (n: number, extra: object = {}) => ({
  event: 'session_end',
  id: u(n),
  date: DATE,
  psess: u(900),
  duration_s: n,
  reason: 'quit',
  ...extra,
});

let catalog: Catalog;
const scratch = duckDbScratch('loadout-faults-');
beforeAll(async () => {
  catalog = await loadCatalog();
});

let runs = 0;
async function run(
  objects: [source: string, body: Buffer | string][],
): Promise<{ out: BatchOutput; unreadable: (UnreadableObject | undefined)[] }> {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(scratch.root, `run-${++runs}`),
    personal: TEST_PERSONAL_KEYS,
  });
  const unreadable = [];
  for (const [source, body] of objects)
    unreadable.push(await processor.processObject(source, Readable.from([Buffer.from(body)])));
  return { out: await processor.finish(), unreadable };
}

const rejects = (out: BatchOutput) =>
  out.rejectsPath === undefined
    ? []
    : readFileSync(out.rejectsPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { source: string; line: number; reason: string; record: string });

describe('bytes that are not text', () => {
  test('a line with invalid UTF-8 and a line with a NUL byte are one reject each, naming object and line; the rest loads', async () => {
    const text = Buffer.concat([
      Buffer.from(`${j(session(1))}\n`),
      Buffer.from(`{"event":"session_end","note":"caf\xe9"}\n`, 'latin1'),
      Buffer.from(`${j(session(2))}\n{"event":"session_end",\u0000"id":1}\n${j(session(3))}\n`),
    ]);
    for (const body of [text, gzipSync(text)]) {
      const { out, unreadable } = await run([['raw/mixed.json', body]]);
      expect(unreadable).toEqual([undefined]);
      expect(out.stats.events).toEqual({ session_end: 3 });
      expect(out.stats.rejectedByReason).toEqual({ 'record: not UTF-8': 1, 'record: NUL byte': 1 });
      expect(rejects(out).map((r) => [r.source, r.line, r.reason])).toEqual([
        ['raw/mixed.json', 2, 'line 2: not UTF-8 text'],
        ['raw/mixed.json', 4, 'line 4: a NUL byte at byte 24 of the line'],
      ]);
    }
  });

  test('an object that is not text as a whole (binary, UTF-16 without a mark) is unreadable, not thousands of rejects', async () => {
    let seed = 7;
    const binary = Buffer.alloc(64 * 1024);
    for (let i = 0; i < binary.length; i++) binary[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 0xff;
    binary[0] = 0x7b;
    const utf16 = Buffer.from(`${j(session(1))}\n${j(session(2))}\n`.repeat(50), 'utf16le');
    const { out, unreadable } = await run([
      ['raw/a.json', `${j(session(1))}\n`],
      ['raw/blob', binary],
      ['raw/utf16.json', utf16],
    ]);
    expect(unreadable[0]).toBeUndefined();
    expect(unreadable[1]).toMatchObject({ kind: 'not-text', tainted: true });
    expect(unreadable[2]).toMatchObject({ kind: 'not-text', tainted: true });
    expect(unreadable[2]!.reason).toMatch(/not UTF-8 text: 101 of its first 101 lines/);
    // The caller processes the batch again without them (tainted): this state is not staged.
    expect(out.stats.events.session_end).toBeGreaterThanOrEqual(1);
  });

  test('another compression is unreadable from its first bytes and touches nothing', async () => {
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, ...Buffer.from(j(session(5)))]);
    const { out, unreadable } = await run([
      ['raw/a.json', `${j(session(1))}\n`],
      ['raw/b.zst', zstd],
      ['raw/c.json', `${j(session(2))}\n`],
    ]);
    expect(unreadable).toEqual([
      undefined,
      {
        kind: 'unsupported-compression',
        reason: 'zstd-compressed: Loadout reads gzip or plain UTF-8 JSON lines',
        tainted: false,
      },
      undefined,
    ]);
    expect(out.stats.events).toEqual({ session_end: 2 });
    expect(out.stats.objects).toBe(2);
  });

  test('a gzip cut short after some lines is unreadable and tainted; one cut in its header is not tainted', async () => {
    const gz = gzipSync(`${j(session(1))}\n`.repeat(5000));
    const { unreadable } = await run([
      ['raw/cut.gz', gz.subarray(0, Math.floor(gz.length / 2))],
      ['raw/head.gz', gz.subarray(0, 6)],
    ]);
    expect(unreadable[0]).toMatchObject({ kind: 'corrupt-compression', tainted: true });
    expect(unreadable[1]).toMatchObject({ kind: 'corrupt-compression', tainted: false });
  });
});

describe('nesting: decided on the first attempt, no recursion over input', () => {
  const deep = (levels: number, leaf = '1') => `${'{"n":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;
  const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const cases: [string, string][] = [
    ['an undeclared attribute', `{"event":"session_end","id":"${u(1)}","extra":${deep(100_000)}}`],
    ['an unknown event', `{"event":"made_up","x":${deepArray(100_000)}}`],
    [
      'a JSON-text field',
      `{"event":"loadout_changed","id":"${u(2)}","date":"${DATE}","psess":"${u(3)}","items":[],"perks":${deep(100_000)}}`,
    ],
    [
      'a wrong-typed array',
      `{"event":"loadout_changed","id":"${u(4)}","date":"${DATE}","psess":"${u(3)}","items":${deepArray(100_000)}}`,
    ],
    ['no object at all', deepArray(100_000)],
  ];
  test.each(cases)(
    '100,000 levels in %s: one reject naming the limit; the records around it load',
    async (_name, line) => {
      const { out, unreadable } = await run([['raw/deep.json', `${j(session(1))}\n${line}\n${j(session(2))}\n`]]);
      expect(unreadable).toEqual([undefined]);
      expect(out.stats.events).toEqual({ session_end: 2 });
      expect(out.stats.rejectedByReason).toEqual({ 'record: nested too deep': 1 });
      expect(rejects(out)[0]).toMatchObject({
        source: 'raw/deep.json',
        line: 2,
        reason: `nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays, the limit`,
      });
    },
  );

  test(`exactly ${MAX_NESTING_DEPTH} levels is data like any other`, async () => {
    const line = j({ ...session(3), extra: JSON.parse(deep(MAX_NESTING_DEPTH - 1)) as object });
    const { out } = await run([['raw/ok.json', `${line}\n`]]);
    expect(out.stats.events).toEqual({ session_end: 1 });
    expect(out.stats.rejected).toBe(0);
  });
});

describe('names from data stay data', () => {
  const names = [
    'constructor',
    'toString',
    'hasOwnProperty',
    '__proto__',
    'valueOf',
    'a.b',
    'x"; DROP TABLE y; --',
    'esc\u001b[31mred\u0007',
    'line\nbreak',
  ];

  test('unknown event types of any name are counted as themselves, through JSON too', async () => {
    const lines = names
      .flatMap((name, i) => Array.from({ length: i + 1 }, () => j({ event: name, id: u(i) })))
      .join('\n');
    const { out } = await run([['raw/names.json', lines]]);
    const expected = Object.fromEntries(names.map((name, i) => [name, i + 1]));
    expect(Object.entries(out.stats.unknown).sort()).toEqual(Object.entries(expected).sort());
    expect(Object.entries(JSON.parse(JSON.stringify(out.stats.unknown)) as object).sort()).toEqual(
      Object.entries(expected).sort(),
    );
    expect(
      out.variations
        .filter((v) => !v.known)
        .map((v) => v.event)
        .sort(),
    ).toEqual([...names].sort());
  });

  test('attribute names with dots, quotes and control characters stay distinct and intact in drift', async () => {
    const record = {
      ...session(1),
      'stats.accuracy': 1,
      'x"; DROP TABLE loadout.purchase; --': 2,
      'esc\u001b]0;title\u0007': 3,
      '': 4,
      nested: { 'a.b': { c: 5 } },
    };
    const { out } = await run([['raw/drift.json', `${j(record)}\n`]]);
    expect(out.stats.events).toEqual({ session_end: 1 });
    expect(out.stats.drift.map((d) => d.attribute).sort()).toEqual(
      [
        '""',
        '"esc\\u001b]0;title\\u0007"',
        '"stats.accuracy"',
        '"x\\"; DROP TABLE loadout.purchase; --"',
        'nested',
      ].sort(),
    );
    expect(out.variations[0]!.paths).toContain('nested."a.b".c');
  });
});
