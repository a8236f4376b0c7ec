/**
 * Personal data in the processing core: pseudonyms and networks in the staged tables, in both
 * lanes, the same for the same value across tables and batches; the clear values only in the
 * sealed side output, which opens to what went in.
 */
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../core/batch-processor';
import { networkOf } from '../../core/personal/network';
import { PERSONAL_DATA_COLUMNS, openSealedValues, type ClearValues } from '../../core/personal/personal-data-file';
import { pseudonymOf } from '../../core/personal/pseudonym';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { duckDbScratch } from '../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';
import { Readable } from 'node:stream';

const scratch = duckDbScratch('loadout-personal-');
let catalog: Catalog;
let runs = 0;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const u = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const DATE = '2026-11-22T10:00:00Z';
const begin = (n: number, player: string, extra: Record<string, unknown> = {}) => ({
  event: 'session_begin',
  id: u(n),
  date: DATE,
  psess: u(900 + n),
  player_id: player,
  platform: 'pc',
  app_version: '1.0',
  ...extra,
});
const purchase = (n: number, player: string) => ({
  event: 'purchase',
  id: u(n),
  date: DATE,
  psess: u(900),
  player_id: player,
  sku: 'gold',
  amount: 1.5,
  currency: 'EUR',
});
const score = (n: number, player: string) => ({
  event: 'score_adjustment',
  id: u(n),
  date: DATE,
  psess: u(900),
  player_id: player,
  delta: 3,
  reason: 'x',
});

async function run(objects: [string, string | Buffer][], fastLane = true): Promise<BatchOutput> {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(scratch.root, `run-${++runs}`),
    fastLane,
    personal: TEST_PERSONAL_KEYS,
  });
  for (const [key, body] of objects)
    await processor.processObject(key, Readable.from([Buffer.from(body)]), undefined, '2026-11-22T10:30:00.000Z');
  return processor.finish();
}

async function rows(path: string, order: string): Promise<Record<string, unknown>[]> {
  const reader = await scratch.db.runAndReadAll(`SELECT * FROM read_parquet('${path}') ORDER BY ${order}`);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

const lines = (records: object[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
const tablePath = (out: BatchOutput, table: string) => out.tables.find((t) => t.table === table)!.path;

/** The side output's rows, each opened with the test data key. */
async function opened(
  out: BatchOutput,
): Promise<{ pseudonym: string; values: ClearValues; row: Record<string, unknown> }[]> {
  const staged = await rows(out.personalData!.path, 'pseudonym');
  return staged.map((row) => ({
    pseudonym: String(row.pseudonym),
    values: openSealedValues(TEST_PERSONAL_KEYS.dataKey, String(row.pseudonym), String(row.sealed_values)),
    row,
  }));
}

describe('pseudonyms and networks', () => {
  test('a pseudonym is 32 hex digits of HMAC-SHA-256 under the key; a network is the /24 or /48', () => {
    expect(pseudonymOf(Buffer.alloc(32, 1), 'player-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(pseudonymOf(Buffer.alloc(32, 1), 'player-1')).not.toBe(pseudonymOf(Buffer.alloc(32, 2), 'player-1'));
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::');
    expect(networkOf('2001:DB8:0:0:8:800:200C:417A')).toBe('2001:db8::');
    expect(networkOf('::1')).toBe('::');
  });

  test.each([true, false])(
    'fast lane %s: the same player has one pseudonym across tables and batches, another player another',
    async (fastLane) => {
      const first = await run(
        [
          [
            'raw/a.json',
            lines([
              begin(1, 'player-1', { ip: '203.0.113.77', device_id: 'dev-1' }),
              purchase(2, 'player-1'),
              score(3, 'player-2'),
            ]),
          ],
        ],
        fastLane,
      );
      const second = await run(
        [['raw/b.json', lines([begin(4, 'player-2', { ip: '2001:db8:abcd:12::1' }), score(5, 'player-1')])]],
        fastLane,
      );
      const p1 = pseudonym('player-1'),
        p2 = pseudonym('player-2');
      expect(p1).not.toBe(p2);
      expect(
        (await rows(tablePath(first, 'session_begin'), 'id')).map((r) => [r.player_id, r.ip, r.device_id]),
      ).toEqual([[p1, '203.0.113.0', pseudonym('dev-1')]]);
      expect((await rows(tablePath(first, 'purchase'), 'id')).map((r) => r.player_id)).toEqual([p1]);
      expect((await rows(tablePath(first, 'score_adjustment'), 'id')).map((r) => r.player_id)).toEqual([p2]);
      expect(
        (await rows(tablePath(second, 'session_begin'), 'id')).map((r) => [r.player_id, r.ip, r.device_id]),
      ).toEqual([[p2, '2001:db8:abcd::', null]]);
      expect((await rows(tablePath(second, 'score_adjustment'), 'id')).map((r) => r.player_id)).toEqual([p1]);
    },
  );

  test('rejects and unknown records keep the raw record: they are lake files, for erasure to cover', async () => {
    const out = await run([
      [
        'raw/c.json',
        lines([
          { ...purchase(6, 'player-9'), amount: -1 },
          { event: 'new_thing', player_id: 'player-9' },
        ]),
      ],
    ]);
    expect(readFileSync(out.rejectsPath!, 'utf8')).toContain('player-9');
    expect(readFileSync(out.unknownPath!, 'utf8')).toContain('player-9');
    expect(out.personalData).toBeUndefined();
  });
  test.each([true, false])(
    'fast lane %s: a drift example shows the new attribute, not the personal values',
    async (fastLane) => {
      const out = await run(
        [['raw/d.json', lines([begin(7, 'player-7', { ip: '203.0.113.9', device_id: 'dev-7', region: 'eu' })])]],
        fastLane,
      );
      const example = out.variations.find((v) => v.event === 'session_begin')!.example;
      expect(example).toContain('"region":"eu"');
      expect(example).toContain('"player_id":"[personal]"');
      for (const clear of ['player-7', '203.0.113.9', 'dev-7']) expect(example).not.toContain(clear);
      expect(JSON.stringify(out.stats.drift)).not.toContain('player-7');
    },
  );
});

describe('the sealed side output', () => {
  test('one row per subject: its clear values under their column names, the IP and device filed under the player', async () => {
    const out = await run([
      [
        'raw/a.json',
        lines([
          begin(1, 'player-1', { ip: '203.0.113.77', device_id: 'dev-1' }),
          begin(2, 'player-1', { ip: '198.51.100.1' }),
          purchase(3, 'player-1'),
          score(4, 'player-2'),
        ]),
      ],
    ]);
    const subjects = await opened(out);
    expect(subjects.map((s) => [s.pseudonym, s.values]).sort()).toEqual(
      [
        [
          pseudonym('player-1'),
          { device_id: ['dev-1'], ip: ['198.51.100.1', '203.0.113.77'], player_id: ['player-1'] },
        ],
        [pseudonym('player-2'), { player_id: ['player-2'] }],
      ].sort(),
    );
    expect(PERSONAL_DATA_COLUMNS.map((c) => c.name)).toEqual(Object.keys(subjects[0]!.row));
    // First and last seen: the times of the objects the subject was seen in.
    expect(subjects[0]!.row).toMatchObject({ data_key_id: 'test-data-key' });
    expect(new Date(subjects[0]!.row.first_seen as Date).toISOString()).toBe('2026-11-22T10:30:00.000Z');
    expect(new Date(subjects[0]!.row.last_seen as Date).toISOString()).toBe('2026-11-22T10:30:00.000Z');
    // Sealed to its pseudonym: moved to another row, it does not open.
    expect(() =>
      openSealedValues(TEST_PERSONAL_KEYS.dataKey, subjects[1]!.pseudonym, String(subjects[0]!.row.sealed_values)),
    ).toThrow(/did not open/);
  });

  test('a generated corpus: no clear personal value in any staged table, the side output opens to every one of them, both lanes alike', async () => {
    const dir = join(scratch.root, 'corpus');
    await generateTelemetry({ outDir: dir, events: 20_000, files: 2, seed: 21 });
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort();
    const clear = { player_id: new Set<string>(), device_id: new Set<string>(), ip: new Set<string>() };
    for (const file of files) {
      for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
        for (const text of line.replace(/\}\{/g, '}\n{').split('\n')) {
          let record: Record<string, unknown>;
          try {
            record = JSON.parse(text) as Record<string, unknown>;
          } catch {
            continue;
          }
          for (const name of ['player_id', 'device_id', 'ip'] as const)
            if (typeof record?.[name] === 'string') clear[name].add(record[name] as string);
        }
      }
    }
    expect(clear.ip.size).toBeGreaterThan(10);
    expect(clear.device_id.size).toBeGreaterThan(10);
    const outputs: BatchOutput[] = [];
    for (const fastLane of [true, false]) {
      const processor = new BatchProcessor({
        catalog,
        workDir: join(scratch.root, `corpus-${fastLane}`),
        fastLane,
        personal: TEST_PERSONAL_KEYS,
      });
      for (const file of files)
        await processor.processObject(file, createReadStream(file), undefined, '2026-11-22T10:30:00.000Z');
      outputs.push(await processor.finish());
    }
    const everyClear = new Set([...clear.player_id, ...clear.device_id, ...clear.ip]);
    for (const table of outputs[0]!.tables) {
      for (const row of await rows(table.path, '1')) {
        for (const value of Object.values(row))
          if (typeof value === 'string') expect(everyClear.has(value), `${table.table}: ${value}`).toBe(false);
      }
    }
    const fast = await opened(outputs[0]!),
      slow = await opened(outputs[1]!);
    expect(fast.map((s) => [s.pseudonym, s.values, s.row.values_digest])).toEqual(
      slow.map((s) => [s.pseudonym, s.values, s.row.values_digest]),
    );
    const opens = (name: keyof typeof clear) => new Set(fast.flatMap((s) => s.values[name] ?? []));
    // Every clear value of a staged row is in the store; some raw values belong to rejected records only.
    const stagedPlayers = new Set(
      (await rows(tablePath(outputs[0]!, 'purchase'), '1')).map((r) => String(r.player_id)),
    );
    for (const p of stagedPlayers) expect(fast.some((s) => s.pseudonym === p)).toBe(true);
    for (const name of ['player_id', 'device_id', 'ip'] as const)
      for (const v of opens(name)) expect(clear[name].has(v)).toBe(true);
    for (const s of fast) expect(s.values.player_id?.map(pseudonym) ?? [s.pseudonym]).toContain(s.pseudonym);
  });
});
