/**
 * BatchProcessor on a small hand-written mixed file: exact stats, the rejects and unknown files,
 * the table filter, and the staged Parquet read back with DuckDB.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../core/batch-processor';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { duckDbScratch } from '../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';

/** Deterministic uuids with hex letters in them, so lower-casing shows. */
const u = (n: number) =>
  `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def0123456${(n % 256).toString(16).padStart(2, '0')}`;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;
const j = (o: object) => JSON.stringify(o);

const P1 = u(0x101),
  P2 = u(0x102),
  G1 = u(0x201),
  H1 = u(0x301),
  H2 = u(0x302);
const DATE = '2026-11-22T10:00:00Z';
const DATE_US = utc(2026, 11, 22, 10);

const A = {
  event: 'session_begin',
  id: u(1),
  date: DATE,
  psess: P1,
  player_id: 'player-1',
  platform: 'pc',
  app_version: '1.4.2',
};
const B = {
  event: 'purchase',
  id: u(2).toUpperCase(),
  date: '2026-11-22T10:05:00.250+01:00',
  psess: P1,
  player_id: 'player-1',
  sku: 'gold_pack',
  amount: 4.99,
  currency: 'EUR',
};
const C = { event: 'damage_dealt', id: u(3), date: DATE, gsess: G1, psess: P1, eid: 7, weapon: 'rifle', amount: 12.5 };
const D = { event: 'damage_taken', gsess: G1, hit_id: H1, date: DATE, psess: P1, source: 'grenade', amount: 30 };
const D2 = { ...D, hit_id: H1.toUpperCase(), psess: P2, amount: 99 };
const E = {
  event: 'damage_taken',
  gsess: G1,
  hit_id: H2,
  date: '2026-11-22T05:00:00-05:00',
  psess: P2,
  source: 'fall',
  amount: 0,
};
const F = {
  event: 'kiosk_weapon_offered',
  id: u(6),
  date: DATE,
  psess: P1,
  gsess: G1,
  eid: 0,
  weapon: 'shotgun',
  region: 'eu-west',
};
const G = {
  event: 'match_end',
  gsess: G1,
  psess: P1,
  date: DATE,
  result: 'win',
  kills: 10,
  deaths: 2,
  stats: { accuracy: 0.42, headshots: 4, assists: 3 },
};
const H = {
  event: 'match_end',
  gsess: G1,
  psess: P2.toUpperCase(),
  date: DATE,
  result: 'loss',
  kills: 2,
  deaths: 10,
  stats: { accuracy: 0, headshots: 0 },
};
const G2 = { ...G, psess: P1.toUpperCase(), kills: 99, stats: { accuracy: 1, headshots: 9 } };
const I = { event: 'loadout_changed', id: u(9), date: DATE, psess: P1, items: ['rifle', 'scope'] };
const J = { event: 'loadout_changed', id: u(10), date: DATE, psess: P2, items: [], perks: { speed: { deep: 1 } } };
const K = { event: 'score_adjustment', id: u(11), date: DATE, psess: P1, player_id: 'player-2', delta: -5, reason: '' };
const L = { event: 'session_end', id: u(12), date: DATE, psess: P1, duration_s: 600.5, reason: 'quit' };
const M = { event: 'session_end', id: u(13), date: DATE, psess: P2, duration_s: 0, reason: 'timeout' };
const N = {
  event: 'purchase',
  id: u(1),
  date: '2026-11-22T11:00:00Z',
  psess: P2,
  player_id: 'player-2',
  sku: 'crate',
  amount: 1_000_000,
  currency: 'USD',
};

const BAD_AMOUNT = j({ ...B, id: u(20), amount: -1 });
const BAD_PLATFORM = j({ ...A, id: u(21), platform: 'nintendo' });
const UNKNOWN_1 = j({ event: 'player_login', id: u(30), date: DATE, device: { os: 'ios' } });
const UNKNOWN_2 = j({ event: 'achievement_unlocked', id: u(31), name: 'first blood' });
const TRUNCATED = '{"event":"purchase","id":"' + u(40).slice(0, 12);
const NO_EVENT = j({ id: u(41), date: DATE });

/** The mixed file: line numbers in the comments. */
const LINES = [
  j(A), //                          1 session_begin A
  j(B), //                          2 purchase B (upper-case id, +01:00 offset)
  j(A), //                          3 duplicate of A
  j({ ...A, id: A.id.toUpperCase() }), // 4 duplicate of A by uuid case only
  '', //                            5 blank
  j(C) + j(D), //                   6 damage_dealt C + damage_taken D concatenated
  j(D2), //                         7 duplicate of D by compound key (gsess, hit_id upper-case)
  j(E), //                          8 damage_taken E: same gsess, other hit_id
  j(F), //                          9 kiosk F, drift `region`
  j(G), //                         10 match_end G, drift `stats.assists`
  j(H), //                         11 match_end H: same gsess, other psess
  j(G2), //                        12 duplicate of G by compound key (psess upper-case)
  j(I), //                         13 loadout I, perks absent
  j(J), //                         14 loadout J, perks nested (no drift)
  j(K), //                         15 score_adjustment K
  j(L) + '\r', //                  16 session_end L, CRLF line end
  BAD_AMOUNT, //                   17 rejected: purchase.amount < 0
  BAD_PLATFORM, //                 18 rejected: session_begin.platform
  UNKNOWN_1, //                    19 unknown player_login
  `${UNKNOWN_2} ${j(M)}`, //       20 unknown achievement_unlocked + session_end M
  TRUNCATED, //                    21 rejected: truncated
  'not json at all', //            22 rejected: not JSON
  '[1,2,3]', //                    23 rejected: not an object
  NO_EVENT, //                     24 rejected: no event
  '   \t', //                      25 blank
  j(N), //                         26 purchase N (same id as A, other table), no final newline
];
const MIXED = LINES.join('\n');
const SOURCE = 'raw/2026/11/22/10/mixed.json';

let catalog: Catalog;
const scratch = duckDbScratch('loadout-batch-processor-');

beforeAll(async () => {
  catalog = await loadCatalog();
});

let runs = 0;
async function run(objects: [source: string, body: Buffer | string][], tables?: string[]): Promise<BatchOutput> {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(scratch.root, `run-${++runs}`),
    tables,
    personal: TEST_PERSONAL_KEYS,
  });
  for (const [source, body] of objects) await processor.processObject(source, Readable.from([Buffer.from(body)]));
  return processor.finish();
}

const jsonLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const wordRe = (field: string) => new RegExp(`(^|[^A-Za-z0-9_])${field}([^A-Za-z0-9_]|$)`);

async function rows(path: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const reader = await scratch.db.runAndReadAll(
    `SELECT * EXCLUDE (date), epoch_us(date) AS date_us FROM read_parquet('${path}') ORDER BY ${orderBy}`,
  );
  return reader.getRowObjects() as Record<string, unknown>[];
}

async function describeTypes(path: string): Promise<[string, string][]> {
  const reader = await scratch.db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  return reader.getRowObjects().map((r) => [String(r.column_name), String(r.column_type)]);
}

describe('BatchProcessor on the mixed file', () => {
  let out: BatchOutput;
  beforeAll(async () => {
    out = await run([[SOURCE, MIXED]]);
  });

  test('exact stats', () => {
    const s = out.stats;
    expect(s.objects).toBe(1);
    expect(s.records).toBe(26);
    expect(s.valid).toBe(18);
    expect(s.duplicates).toBe(4);
    expect(s.events).toEqual({
      session_begin: 1,
      purchase: 2,
      damage_dealt: 1,
      damage_taken: 2,
      kiosk_weapon_offered: 1,
      match_end: 2,
      loadout_changed: 2,
      score_adjustment: 1,
      session_end: 2,
    });
    expect(s.rejected).toBe(6);
    expect(sum(s.rejectedByReason)).toBe(6);
    expect(s.unknown).toEqual({ player_login: 1, achievement_unlocked: 1 });
    expect(s.skipped).toBe(0);
    expect(s.bytesIn).toBe(Buffer.byteLength(MIXED));
  });

  test('rejections are grouped by reason: the amount and platform rules each have their own key', () => {
    const keys = Object.keys(out.stats.rejectedByReason);
    expect(keys.some((k) => wordRe('amount').test(k))).toBe(true);
    expect(keys.some((k) => wordRe('platform').test(k))).toBe(true);
  });

  test('drift: event, attribute path, count, the first record as example, its source and line', () => {
    const drift = [...out.stats.drift].sort((a, b) => a.event.localeCompare(b.event));
    expect(drift).toEqual([
      { event: 'kiosk_weapon_offered', attribute: 'region', count: 1, example: j(F), source: SOURCE, line: 9 },
      { event: 'match_end', attribute: 'stats.assists', count: 1, example: j(G), source: SOURCE, line: 10 },
    ]);
  });

  test('one staged file per table, with the catalog fingerprint and the row count', () => {
    expect(out.tables.map((t) => t.table).sort()).toEqual(Object.keys(out.stats.events).sort());
    for (const t of out.tables) {
      expect(t.fingerprint).toBe(catalog.table(t.table)!.fingerprint);
      expect(t.rows).toBe(out.stats.events[t.table]);
      expect(t.bytes).toBe(statSync(t.path).size);
      expect(t.bytes).toBeGreaterThan(0);
    }
  });

  test('rejects file: one JSON line per rejected record, with source, line, a reason naming the field, the record verbatim', () => {
    expect(out.rejectsPath).toBeDefined();
    const rejects = jsonLines(out.rejectsPath!).map(
      (l) => JSON.parse(l) as { source: string; line: number; reason: string; record: string },
    );
    expect(rejects.map((r) => [r.source, r.line, r.record])).toEqual([
      [SOURCE, 17, BAD_AMOUNT],
      [SOURCE, 18, BAD_PLATFORM],
      [SOURCE, 21, TRUNCATED],
      [SOURCE, 22, 'not json at all'],
      [SOURCE, 23, '[1,2,3]'],
      [SOURCE, 24, NO_EVENT],
    ]);
    expect(rejects[0]!.reason).toMatch(wordRe('amount'));
    expect(rejects[1]!.reason).toMatch(wordRe('platform'));
    expect(rejects[5]!.reason).toMatch(wordRe('event'));
    for (const r of rejects) expect(r.reason.length).toBeGreaterThan(0);
  });

  test('unknown file: the unknown records verbatim, one per line, replayable', () => {
    expect(out.unknownPath).toBeDefined();
    expect(jsonLines(out.unknownPath!)).toEqual([UNKNOWN_1, UNKNOWN_2]);
  });

  test('Parquet column types: VARCHAR for strings and JSON text, BIGINT, DOUBLE, BOOLEAN, UTC timestamps', async () => {
    const path = (t: string) => out.tables.find((x) => x.table === t)!.path;
    const TS = expect.stringMatching(/^TIMESTAMP( WITH TIME ZONE)?$/);
    expect(await describeTypes(path('session_begin'))).toEqual([
      ['id', 'VARCHAR'],
      ['date', TS],
      ['psess', 'VARCHAR'],
      ['player_id', 'VARCHAR'],
      ['platform', 'VARCHAR'],
      ['app_version', 'VARCHAR'],
      ['detailed_logging', 'BOOLEAN'],
      ['ip', 'VARCHAR'],
      ['device_id', 'VARCHAR'],
    ]);
    expect(await describeTypes(path('match_end'))).toEqual([
      ['gsess', 'VARCHAR'],
      ['psess', 'VARCHAR'],
      ['date', TS],
      ['result', 'VARCHAR'],
      ['kills', 'BIGINT'],
      ['deaths', 'BIGINT'],
      ['stats_accuracy', 'DOUBLE'],
      ['stats_headshots', 'BIGINT'],
    ]);
    expect(await describeTypes(path('loadout_changed'))).toEqual([
      ['id', 'VARCHAR'],
      ['date', TS],
      ['psess', 'VARCHAR'],
      ['items', expect.stringMatching(/^(VARCHAR|JSON)$/)],
      ['perks', expect.stringMatching(/^(VARCHAR|JSON)$/)],
    ]);
    expect(await describeTypes(path('purchase'))).toEqual([
      ['id', 'VARCHAR'],
      ['date', TS],
      ['psess', 'VARCHAR'],
      ['player_id', 'VARCHAR'],
      ['sku', 'VARCHAR'],
      ['amount', 'DOUBLE'],
      ['currency', 'VARCHAR'],
    ]);
  });

  test('Parquet rows: exact values, lower-cased uuids, UTC timestamps, defaults, null perks', async () => {
    const path = (t: string) => out.tables.find((x) => x.table === t)!.path;
    expect(await rows(path('session_begin'), 'id')).toEqual([
      {
        id: u(1),
        date_us: BigInt(DATE_US),
        psess: P1,
        player_id: pseudonym('player-1'),
        platform: 'pc',
        app_version: '1.4.2',
        detailed_logging: false,
        ip: null,
        device_id: null,
      },
    ]);
    expect(await rows(path('purchase'), 'date')).toEqual([
      {
        id: u(2),
        date_us: BigInt(utc(2026, 11, 22, 9, 5, 0, 250_000)),
        psess: P1,
        player_id: pseudonym('player-1'),
        sku: 'gold_pack',
        amount: 4.99,
        currency: 'EUR',
      },
      {
        id: u(1),
        date_us: BigInt(utc(2026, 11, 22, 11)),
        psess: P2,
        player_id: pseudonym('player-2'),
        sku: 'crate',
        amount: 1_000_000,
        currency: 'USD',
      },
    ]);
    expect(await rows(path('damage_dealt'), 'id')).toEqual([
      {
        id: u(3),
        date_us: BigInt(DATE_US),
        gsess: G1,
        psess: P1,
        eid: 7n,
        weapon: 'rifle',
        amount: 12.5,
        critical: false,
      },
    ]);
    expect(await rows(path('damage_taken'), 'hit_id')).toEqual([
      { gsess: G1, hit_id: H1, date_us: BigInt(DATE_US), psess: P1, source: 'grenade', amount: 30 },
      { gsess: G1, hit_id: H2, date_us: BigInt(DATE_US), psess: P2, source: 'fall', amount: 0 },
    ]);
    expect(await rows(path('kiosk_weapon_offered'), 'id')).toEqual([
      { id: u(6), date_us: BigInt(DATE_US), psess: P1, gsess: G1, eid: 0n, weapon: 'shotgun' },
    ]);
    expect(await rows(path('match_end'), 'psess')).toEqual([
      {
        gsess: G1,
        psess: P1,
        date_us: BigInt(DATE_US),
        result: 'win',
        kills: 10n,
        deaths: 2n,
        stats_accuracy: 0.42,
        stats_headshots: 4n,
      },
      {
        gsess: G1,
        psess: P2,
        date_us: BigInt(DATE_US),
        result: 'loss',
        kills: 2n,
        deaths: 10n,
        stats_accuracy: 0,
        stats_headshots: 0n,
      },
    ]);
    const loadouts = await rows(path('loadout_changed'), 'id');
    expect(
      loadouts.map((r) => ({
        ...r,
        items: JSON.parse(String(r.items)),
        perks: r.perks === null ? null : JSON.parse(String(r.perks)),
      })),
    ).toEqual([
      { id: u(9), date_us: BigInt(DATE_US), psess: P1, items: ['rifle', 'scope'], perks: null },
      { id: u(10), date_us: BigInt(DATE_US), psess: P2, items: [], perks: { speed: { deep: 1 } } },
    ]);
    expect(loadouts[0]!.perks).toBeNull();
    expect(await rows(path('score_adjustment'), 'id')).toEqual([
      { id: u(11), date_us: BigInt(DATE_US), psess: P1, player_id: pseudonym('player-2'), delta: -5n, reason: '' },
    ]);
    expect(await rows(path('session_end'), 'id')).toEqual([
      { id: u(12), date_us: BigInt(DATE_US), psess: P1, duration_s: 600.5, reason: 'quit' },
      { id: u(13), date_us: BigInt(DATE_US), psess: P2, duration_s: 0, reason: 'timeout' },
    ]);
  });

  test('the staged timestamps render as the UTC instants of the source dates', async () => {
    const path = out.tables.find((x) => x.table === 'purchase')!.path;
    await scratch.db.run(`SET TimeZone = 'UTC'`);
    const reader = await scratch.db.runAndReadAll(
      `SELECT strftime(date, '%Y-%m-%dT%H:%M:%S.%fZ') AS iso FROM read_parquet('${path}') ORDER BY date`,
    );
    // Source: 2026-11-22T10:05:00.250+01:00 and 2026-11-22T11:00:00Z.
    expect(reader.getRowObjects().map((r) => r.iso)).toEqual([
      '2026-11-22T09:05:00.250000Z',
      '2026-11-22T11:00:00.000000Z',
    ]);
  });
});

describe('BatchProcessor across objects of one batch', () => {
  test('a duplicate in a second (gzip) object is dropped too; another object adds its rows', async () => {
    const O = { ...A, id: u(50), player_id: 'player-3' };
    const bad = j({ ...K, id: u(51), delta: 1.5 });
    const second = gzipSync([j(A), j(O), j({ ...G, psess: P1.toUpperCase() }), '', bad].join('\r\n') + '\r\n');
    const out = await run([
      [SOURCE, MIXED],
      ['raw/2026/11/22/11/second', second],
    ]);
    expect(out.stats.objects).toBe(2);
    expect(out.stats.records).toBe(30);
    expect(out.stats.valid).toBe(21);
    expect(out.stats.duplicates).toBe(6);
    expect(out.stats.rejected).toBe(7);
    const lastReject = JSON.parse(jsonLines(out.rejectsPath!).at(-1)!) as {
      source: string;
      line: number;
      reason: string;
      record: string;
    };
    expect(lastReject).toMatchObject({ source: 'raw/2026/11/22/11/second', line: 5, record: bad });
    expect(lastReject.reason).toMatch(wordRe('delta'));
    expect(out.stats.events.session_begin).toBe(2);
    expect(out.stats.events.match_end).toBe(2);
    expect(out.stats.bytesIn).toBe(Buffer.byteLength(MIXED) + second.length);
    const ids = await rows(out.tables.find((t) => t.table === 'session_begin')!.path, 'id');
    expect(ids.map((r) => r.id)).toEqual([u(1), u(50)]);
  });

  test('an unreadable object is returned with its kind and reason, not thrown', async () => {
    const processor = new BatchProcessor({
      catalog,
      workDir: join(scratch.root, 'unreadable'),
      personal: TEST_PERSONAL_KEYS,
    });
    const corrupt = Buffer.from(gzipSync(MIXED.repeat(20)));
    corrupt.fill(0x55, 40, 80);
    const unreadable = await processor.processObject('raw/bad.gz', Readable.from([corrupt]));
    expect(unreadable).toMatchObject({ kind: 'corrupt-compression' });
    expect(unreadable!.reason).toMatch(/^corrupt gzip: /);
    await processor.finish();
  });

  test('a valid record whose strings are 64 non-BMP characters ("1-64 chars") is staged and does not fail the batch', async () => {
    const emoji = '😀'.repeat(64);
    const line = j({ ...A, id: u(60), player_id: emoji });
    const out = await run([['raw/emoji.json', `${j(A)}\n${line}\n${j(L)}\n`]]);
    expect(out.stats.rejected).toBe(0);
    expect(out.stats.events).toEqual({ session_begin: 2, session_end: 1 });
    const staged = await rows(out.tables.find((t) => t.table === 'session_begin')!.path, 'id');
    expect(staged.map((r) => r.player_id)).toEqual([pseudonym('player-1'), pseudonym(emoji)]);
  });

  test('a line over the 16 MiB limit is one rejection naming its size and the limit; the lines around it are read', async () => {
    const huge = `{"event":"session_begin","pad":"${'x'.repeat(16 * 1024 * 1024)}"}`;
    const out = await run([['raw/huge.json', `${j(A)}\n${huge}\n${j(L)}\n`]]);
    expect(out.stats.events).toEqual({ session_begin: 1, session_end: 1 });
    expect(out.stats.rejectedByReason).toEqual({ 'record: line too long': 1 });
    const reject = JSON.parse(jsonLines(out.rejectsPath!)[0]!) as { line: number; reason: string; record: string };
    expect(reject.line).toBe(2);
    expect(reject.reason).toBe(
      `line of ${Buffer.byteLength(huge)} bytes exceeds the 16 MiB limit: a producer writing records without line breaks? The record starts as shown`,
    );
    expect(reject.record).toBe(huge.slice(0, 200));
  });

  test('an empty batch writes no table files', async () => {
    const out = await run([['raw/empty.json', '\n\n']]);
    expect(out.tables).toEqual([]);
    expect(out.stats.records).toBe(0);
    expect(out.rejectsPath).toBeUndefined();
    expect(out.unknownPath).toBeUndefined();
  });
});

describe('BatchProcessor with a table list', () => {
  test('only the listed tables are staged; valid events of other tables are skipped', async () => {
    const out = await run([[SOURCE, MIXED]], ['purchase', 'match_end']);
    expect(out.tables.map((t) => t.table).sort()).toEqual(['match_end', 'purchase']);
    expect(out.stats.events).toEqual({ purchase: 2, match_end: 2 });
    expect(out.stats.duplicates).toBe(1);
    // 13 valid records of other tables (duplicates included), and possibly the invalid session_begin.
    expect(out.stats.skipped).toBeGreaterThanOrEqual(13);
    expect(out.stats.skipped + out.stats.rejected).toBe(19);
    const purchases = await rows(out.tables.find((t) => t.table === 'purchase')!.path, 'date');
    expect(purchases.map((r) => r.id)).toEqual([u(2), u(1)]);
  });

  test('records of tables outside the list are skipped, valid or not ("Valid or not, records of tables outside a replay\'s table list")', async () => {
    const out = await run([[SOURCE, MIXED]], ['purchase', 'match_end']);
    expect(out.stats.skipped).toBe(14);
    // Still rejected: the invalid purchase and the records with no event type at all.
    expect(out.stats.rejected).toBe(5);
  });

  test('a table outside the catalog is refused', () => {
    expect(
      () =>
        new BatchProcessor({
          catalog,
          workDir: join(scratch.root, 'bad-list'),
          tables: ['purchases'],
          personal: TEST_PERSONAL_KEYS,
        }),
    ).toThrow(/purchases/);
  });
});
