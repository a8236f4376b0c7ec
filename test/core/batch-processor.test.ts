/**
 * BatchProcessor on a small hand-written mixed file: exact stats, the rejects and unknown files
 * and the staged Parquet read back with DuckDB.
 */
import { statSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BatchOutput } from '../../core/batch-processor';
import { pseudonym } from '../helpers/personal-keys';
import { batchProcessorRunner, jsonLines, sum, wordRe } from '../helpers/batch-processor-runner';
import {
  BAD_AMOUNT,
  BAD_PLATFORM,
  DATE_US,
  F,
  G,
  G1,
  H1,
  H2,
  MIXED,
  NO_EVENT,
  P1,
  P2,
  SOURCE,
  TRUNCATED,
  UNKNOWN_1,
  UNKNOWN_2,
  j,
  u,
  utc,
} from '../helpers/batch-processor-records';

const bp = batchProcessorRunner('loadout-batch-processor-');
const { scratch, run, rows, describeTypes } = bp;

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
      expect(t.fingerprint).toBe(bp.catalog.table(t.table)!.fingerprint);
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
      ['amount', 'DECIMAL(18,4)'],
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
        amount: expect.objectContaining({ width: 18, scale: 4, value: 49_900n }),
        currency: 'EUR',
      },
      {
        id: u(1),
        date_us: BigInt(utc(2026, 11, 22, 11)),
        psess: P2,
        player_id: pseudonym('player-2'),
        sku: 'crate',
        amount: expect.objectContaining({ width: 18, scale: 4, value: 10_000_000_000n }),
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
