/** BatchProcessor under `evolve`: undeclared attributes staged as extra columns, in parts when the shape changes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../../core/batch-processor';
import { Catalog } from '../../../schemas/catalog';
import type { EvolutionMode } from '../../../schemas/evolution-mode';
import { fingerprintColumns } from '../../../schemas/fingerprint';
import { TEST_PERSONAL_KEYS } from '../../helpers/personal-keys';
import { batchProcessorRunner } from '../../helpers/batch-processor-runner';
import { C, DATE, G1, P1, j, u } from '../../helpers/batch-processor-records';

const bp = batchProcessorRunner('loadout-evolved-batch-');
let runs = 0;

async function run(mode: EvolutionMode, body: string, fastLane = true): Promise<BatchOutput> {
  const processor = new BatchProcessor({
    catalog: new Catalog(bp.catalog.eventTypes, mode),
    workDir: join(bp.scratch.root, `run-${++runs}`),
    personal: TEST_PERSONAL_KEYS,
    fastLane,
  });
  await processor.processObject('raw/a.json', Readable.from([Buffer.from(body)]));
  return processor.finish();
}

async function read(path: string): Promise<Record<string, unknown>[]> {
  const reader = await bp.scratch.db.runAndReadAll(`SELECT * EXCLUDE (date) FROM read_parquet('${path}') ORDER BY id`);
  return reader.getRowObjects() as Record<string, unknown>[];
}

const dealt = (n: number, extra: object = {}) => ({ ...C, id: u(n), ...extra });
// Two plain records, one adding attributes, one widening `crit` from boolean to string, one plain again.
const BODY = [
  dealt(1),
  dealt(2),
  dealt(3, { crit: true, loc: { x: 1, y: 2.5 }, tags: ['a', 'b'] }),
  dealt(4, { crit: 'yes', KillStreak: 3 }),
  dealt(5),
]
  .map(j)
  .join('\n');

describe('BatchProcessor under evolve', () => {
  test('new attributes become extra columns from the record that brings them; a widened type starts a new part', async () => {
    const out = await run('evolve', BODY);
    const files = out.tables.filter((t) => t.table === 'damage_dealt');
    const declared = bp.catalog.table('damage_dealt')!;
    expect(files.map((f) => f.rows)).toEqual([2, 1, 2]);
    expect(files[0]!.fingerprint).toBe(declared.fingerprint);
    expect(files[0]!.columns).toBeUndefined();
    expect(new Set(files.map((f) => f.fingerprint)).size).toBe(3);
    for (const f of files.slice(1)) expect(f.fingerprint).toBe(fingerprintColumns(f.columns!));
    const extras = (n: number) => files[n]!.columns!.filter((c) => c.attribute !== undefined);
    expect(extras(1)).toEqual([
      { name: 'crit', type: 'boolean', nullable: true, attribute: 'crit' },
      { name: 'loc_x', type: 'int64', nullable: true, attribute: 'loc.x' },
      { name: 'loc_y', type: 'double', nullable: true, attribute: 'loc.y' },
      { name: 'tags', type: 'json', nullable: true, attribute: 'tags' },
    ]);
    const streak = extras(2).find((c) => c.attribute === 'KillStreak')!;
    expect(streak.name).toMatch(/^killstreak_[0-9a-f]{8}$/);
    expect(extras(2).find((c) => c.name === 'crit')!.type).toBe('string');
    expect(await read(files[1]!.path)).toMatchObject([
      { id: u(3), crit: true, loc_x: 1n, loc_y: 2.5, tags: '["a","b"]' },
    ]);
    expect(await read(files[2]!.path)).toMatchObject([
      { id: u(4), crit: 'yes', loc_x: null, [streak.name]: 3n },
      { id: u(5), crit: null, tags: null },
    ]);
    expect(out.stats.events.damage_dealt).toBe(5);
  });

  test('the fast lane and the string path stage the same bytes', async () => {
    const fast = await run('evolve', BODY);
    const slow = await run('evolve', BODY, false);
    expect(slow.tables.map((t) => t.fingerprint)).toEqual(fast.tables.map((t) => t.fingerprint));
    for (const [i, t] of fast.tables.entries())
      expect(readFileSync(slow.tables[i]!.path).equals(readFileSync(t.path))).toBe(true);
  });

  test('strict stages exactly what it did before: the declared columns, undeclared attributes left out', async () => {
    const strict = await run('strict', BODY);
    expect(strict.tables.map((t) => [t.table, t.fingerprint, t.rows, t.columns])).toEqual([
      ['damage_dealt', bp.catalog.table('damage_dealt')!.fingerprint, 5, undefined],
    ]);
    expect(strict.stats.drift.map((d) => d.attribute).sort()).toEqual(['KillStreak', 'crit', 'loc', 'tags']);
  });

  test("an event type's own `strict` overrides the setting", async () => {
    const types = bp.catalog.eventTypes.map((t) =>
      t.table === 'damage_dealt' ? { ...t, evolution: 'strict' as const } : t,
    );
    const processor = new BatchProcessor({
      catalog: new Catalog(types, 'infer'),
      workDir: join(bp.scratch.root, `run-${++runs}`),
      personal: TEST_PERSONAL_KEYS,
    });
    await processor.processObject('raw/a.json', Readable.from([Buffer.from(BODY)]));
    const out = await processor.finish();
    expect(out.tables.map((t) => [t.table, t.rows, t.columns])).toEqual([['damage_dealt', 5, undefined]]);
  });

  test('undeclared keys inside a declared flattened object become its columns; reserved names are renamed', async () => {
    const record = {
      event: 'match_end',
      gsess: G1,
      psess: P1,
      date: DATE,
      result: 'win',
      kills: 3,
      deaths: 1,
      stats: { accuracy: 0.5, headshots: 2, crit_rate: 0.25, deep: { a: 1 } },
      _loadout_key: 'x',
      stats_accuracy: 'shadow',
    };
    const out = await run('evolve', j(record));
    const extras = out.tables[0]!.columns!.filter((c) => c.attribute !== undefined);
    const names = Object.fromEntries(extras.map((c) => [c.attribute, c.name]));
    expect(names['stats.crit_rate']).toBe('stats_crit_rate');
    expect(names['stats.deep']).toBe('stats_deep');
    expect(extras.find((c) => c.name === 'stats_deep')!.type).toBe('json');
    expect(names._loadout_key).toMatch(/^x_loadout_key_[0-9a-f]{8}$/);
    // The declared column keeps its name; the undeclared attribute of the same name gets a suffix.
    expect(names.stats_accuracy).toMatch(/^stats_accuracy_[0-9a-f]{8}$/);
  });
});

describe('BatchProcessor under infer', () => {
  test('an unknown tag is staged into its own table, keyed by its uuid id or else a hash of the record', async () => {
    const ping = { event: 'ping', ms: 3, at: DATE };
    const body = [
      { event: 'ping', ms: 3, at: DATE },
      { at: DATE, ms: 3, event: 'ping' }, // the same record, its keys in another order: one row
      { ...ping, ms: 4 },
      { event: 'Boss Fight', id: u(9).toUpperCase(), hp: 10 },
    ]
      .map(j)
      .join('\n');
    const out = await run('infer', body);
    expect(out.stats.unknown).toEqual({});
    expect(out.tables.map((t) => [t.table, t.rows, t.inferredFrom])).toEqual([
      [expect.stringMatching(/^boss_fight_[0-9a-f]{8}$/), 1, 'Boss Fight'],
      ['ping', 2, 'ping'],
    ]);
    const pings = await bp.scratch.db.runAndReadAll(
      `SELECT _loadout_key, ms, epoch_us("at") AS at FROM read_parquet('${out.tables[1]!.path}') ORDER BY ms`,
    );
    expect(pings.getRowObjects()).toEqual([
      { _loadout_key: expect.stringMatching(/^h[0-9a-f]{32}$/), ms: 3n, at: BigInt(Date.parse(DATE) * 1000) },
      { _loadout_key: expect.stringMatching(/^h[0-9a-f]{32}$/), ms: 4n, at: BigInt(Date.parse(DATE) * 1000) },
    ]);
    const boss = await bp.scratch.db.runAndReadAll(`SELECT * FROM read_parquet('${out.tables[0]!.path}')`);
    expect(boss.getRowObjects()).toEqual([{ _loadout_key: u(9), id: u(9), hp: 10n }]);
  });

  test('under evolve, unknown tags are still kept as unknown', async () => {
    const out = await run('evolve', j({ event: 'ping', ms: 3 }));
    expect([out.stats.unknown, out.tables]).toEqual([{ ping: 1 }, []]);
  });
});
