/** Attribute variations and schema drift: which attribute paths records carry, and which the catalog does not declare. */
import { beforeAll, describe, expect, test } from 'vitest';
import { undeclaredPaths, VariationTracker, variationIdOf } from '../../core/attribute-variations';
import { loadCatalog, type Catalog } from '../../schemas/catalog';

const U = '0f8fad5b-d9cb-469f-a165-70867728950e';
const DATE = '2026-11-22T10:00:00Z';

const VALID: Record<string, Record<string, unknown>> = {
  session_begin: {
    event: 'session_begin',
    id: U,
    date: DATE,
    psess: U,
    player_id: 'p',
    platform: 'pc',
    app_version: '1',
    detailed_logging: true,
  },
  session_end: { event: 'session_end', id: U, date: DATE, psess: U, duration_s: 1, reason: 'quit' },
  damage_dealt: {
    event: 'damage_dealt',
    id: U,
    date: DATE,
    gsess: U,
    psess: U,
    eid: 1,
    weapon: 'w',
    amount: 1,
    critical: false,
  },
  damage_taken: { event: 'damage_taken', gsess: U, hit_id: U, date: DATE, psess: U, source: 's', amount: 1 },
  kiosk_weapon_offered: { event: 'kiosk_weapon_offered', id: U, date: DATE, psess: U, gsess: U, eid: 1, weapon: 'w' },
  purchase: { event: 'purchase', id: U, date: DATE, psess: U, player_id: 'p', sku: 's', amount: 1, currency: 'EUR' },
  score_adjustment: { event: 'score_adjustment', id: U, date: DATE, psess: U, player_id: 'p', delta: 1, reason: '' },
  loadout_changed: { event: 'loadout_changed', id: U, date: DATE, psess: U, items: ['a'], perks: { speed: 1 } },
  match_end: {
    event: 'match_end',
    gsess: U,
    psess: U,
    date: DATE,
    result: 'win',
    kills: 1,
    deaths: 1,
    stats: { accuracy: 0.5, headshots: 1 },
  },
};

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const trackerOf = () => new VariationTracker((tag) => catalog.eventType(tag)?.declared);

/** The undeclared attributes of one record, as the tracker sees them and as the catalog judges its paths later. */
function drift(tag: string, record: Record<string, unknown>): string[] {
  const tracker = trackerOf();
  tracker.observe(tag, record, JSON.stringify(record), 'raw/a.gz', 1, '2026-11-22T10:00:00.000Z');
  const [variation] = tracker.variations();
  expect(undeclaredPaths(variation!.paths, catalog.eventType(tag)!.declared)).toEqual(variation!.undeclared);
  return variation!.undeclared;
}

describe('undeclared attributes of a variation', () => {
  test.each(Object.keys(VALID))('%s: a record with only declared fields (and `event`) has no drift', (tag) => {
    expect(drift(tag, VALID[tag]!)).toEqual([]);
  });

  test.each(Object.keys(VALID))('%s: an undeclared top-level attribute is drift', (tag) => {
    expect(drift(tag, { ...VALID[tag], region: 'eu-west' })).toEqual(['region']);
    expect(drift(tag, { ...VALID[tag], region: 'eu-west', build: 1234, tags: ['a'] })).toEqual([
      'build',
      'region',
      'tags',
    ]);
  });

  test('a missing declared field is not drift', () => {
    const { sku: _sku, ...record } = VALID.purchase!;
    expect(drift('purchase', record)).toEqual([]);
  });

  test('nested drift inside a flattened object: stats.assists', () => {
    const record = { ...VALID.match_end, stats: { accuracy: 0.5, headshots: 1, assists: 3 } };
    expect(drift('match_end', record)).toEqual(['stats.assists']);
    expect(drift('match_end', { ...record, map: 'dust' })).toEqual(['map', 'stats.assists']);
  });

  test('an undeclared nested object is reported by its own path, not as a declared one', () => {
    const found = drift('purchase', { ...VALID.purchase, meta: { a: { b: 1 }, c: 2 } });
    expect(found.length).toBeGreaterThan(0);
    for (const path of found) expect(path === 'meta' || path.startsWith('meta.')).toBe(true);
  });

  test('the insides of JSON-text fields (items, perks) are never drift', () => {
    const record = {
      ...VALID.loadout_changed,
      items: ['a', 'b'],
      perks: { speed: 1, brand_new: { deep: [1, { x: 2 }] } },
    };
    expect(drift('loadout_changed', record)).toEqual([]);
    expect(drift('loadout_changed', { ...record, perks: null })).toEqual([]);
    expect(drift('loadout_changed', { ...record, loadout_slot: 2 })).toEqual(['loadout_slot']);
  });

  test('a declared field of the wrong shape is not drift (that is a rejection) and does not throw', () => {
    expect(drift('match_end', { ...VALID.match_end, stats: 12 })).toEqual([]);
    expect(drift('match_end', { ...VALID.match_end, stats: null })).toEqual([]);
    expect(drift('match_end', { ...VALID.match_end, stats: [1, 2] })).toEqual([]);
    expect(drift('purchase', { ...VALID.purchase, amount: { nested: 1 } })).toEqual([]);
  });

  test('attribute names that are also object-prototype names are drift like any other', () => {
    const record = JSON.parse(
      JSON.stringify(VALID.purchase).replace(/}$/, ',"constructor":1,"toString":"x","__proto__":{"y":1}}'),
    ) as Record<string, unknown>;
    expect(drift('purchase', record)).toEqual(['__proto__', 'constructor', 'toString']);
  });

  test('a field declared by another event type is still drift here', () => {
    expect(drift('purchase', { ...VALID.purchase, platform: 'pc', stats: { accuracy: 1 } })).toEqual([
      'platform',
      'stats',
    ]);
  });
});

describe('VariationTracker', () => {
  const at = (hour: number) => `2026-11-22T${String(hour).padStart(2, '0')}:00:00.000Z`;

  test('the same attributes in any order are one variation; counts, first and last seen follow the objects', () => {
    const tracker = trackerOf();
    const record = VALID.purchase!;
    const reversed = Object.fromEntries(Object.entries(record).reverse());
    tracker.observe('purchase', record, JSON.stringify(record), 'raw/b.gz', 7, at(11));
    tracker.observe('purchase', reversed, JSON.stringify(reversed), 'raw/a.gz', 3, at(9));
    tracker.observe('purchase', record, JSON.stringify(record), 'raw/c.gz', 1, at(13));
    const variations = tracker.variations();
    expect(variations).toHaveLength(1);
    expect(variations[0]).toMatchObject({
      event: 'purchase',
      known: true,
      count: 3,
      firstSeen: at(9),
      lastSeen: at(13),
      undeclared: [],
      paths: Object.keys(record).sort(),
      variation: variationIdOf(Object.keys(record).sort()),
      example: JSON.stringify(record),
      source: 'raw/b.gz',
      line: 7,
    });
  });

  test('an optional field present or absent, or a new attribute, makes a new variation; nested paths are included', () => {
    const tracker = trackerOf();
    const base = VALID.match_end!;
    const { kills: _k, ...withoutKills } = base;
    const withAssists = { ...base, stats: { accuracy: 0.5, headshots: 1, assists: 2 } };
    for (const r of [base, withoutKills, withAssists, withAssists])
      tracker.observe('match_end', r, JSON.stringify(r), 'raw/a.gz', 1, at(10));
    const variations = tracker.variations();
    expect(variations.map((v) => v.count).sort()).toEqual([1, 1, 2]);
    const assists = variations.find((v) => v.undeclared.length > 0)!;
    expect(assists.paths).toContain('stats.assists');
    expect(assists.paths).toContain('stats.accuracy');
    expect(assists.undeclared).toEqual(['stats.assists']);
  });

  test('unknown event types are tracked with every path undeclared', () => {
    const tracker = trackerOf();
    const record = { event: 'achievement_unlocked', id: 'x', detail: { tier: 2 } };
    tracker.observe('achievement_unlocked', record, JSON.stringify(record), 'raw/a.gz', 4, at(10));
    expect(tracker.variations()).toEqual([
      expect.objectContaining({
        event: 'achievement_unlocked',
        known: false,
        paths: ['detail', 'detail.tier', 'event', 'id'],
        undeclared: ['detail', 'event', 'id'],
      }),
    ]);
  });

  test('records made of random keys cannot grow the tracker without bound', () => {
    const tracker = new VariationTracker((tag) => catalog.eventType(tag)?.declared, {
      pathsPerEvent: 50,
      variationsPerEvent: 20,
      unknownEvents: 3,
    });
    for (let i = 0; i < 500; i++) {
      const record = { ...VALID.purchase, [`k${i}`]: 1, [`j${i}`]: { [`n${i}`]: 2 } };
      tracker.observe('purchase', record, '{}', 'raw/a.gz', i, at(10));
      tracker.observe(`unknown_${i}`, { event: `unknown_${i}` }, '{}', 'raw/a.gz', i, at(10));
    }
    const variations = tracker.variations();
    expect(variations.filter((v) => v.event === 'purchase').length).toBeLessThanOrEqual(20);
    expect(new Set(variations.map((v) => v.event)).size).toBe(4);
    const counted = variations.reduce((n, v) => n + v.count, 0) + tracker.untracked;
    expect(counted).toBe(1000);
  });
});
