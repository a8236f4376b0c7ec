/** classifyRecord: valid row, rejected (with a reason naming the field), or unknown event, per the spec. */
import { beforeAll, describe, expect, test } from 'vitest';
import { classifyRecord } from '../../core/classify-record';
import { loadCatalog, type Catalog } from '../../schemas/catalog';

const U = {
  a: '0f8fad5b-d9cb-469f-a165-70867728950e',
  b: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  c: 'c56a4180-65aa-42ec-a945-5fd21dec0538',
};
const DATE = '2026-11-22T10:00:00Z';
const DATE_MICROS = Date.UTC(2026, 10, 22, 10) * 1000;

const purchase = {
  event: 'purchase',
  id: U.a,
  date: DATE,
  psess: U.b,
  player_id: 'player-1',
  sku: 'gold_pack',
  amount: 4.99,
  currency: 'EUR',
};
const matchEnd = {
  event: 'match_end',
  gsess: U.c,
  psess: U.b,
  date: DATE,
  result: 'win',
  kills: 1,
  deaths: 0,
  stats: { accuracy: 0.5, headshots: 1 },
};

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const wordRe = (field: string) => new RegExp(`(^|[^A-Za-z0-9_])${field.replace('.', '[._]')}([^A-Za-z0-9_]|$)`);

describe('classifyRecord', () => {
  test('a valid record: its event type and its row', () => {
    const verdict = classifyRecord(catalog, purchase);
    expect(verdict).toEqual({
      kind: 'valid',
      type: catalog.eventType('purchase'),
      // amount as units of 0.0001: 4.99 is 49900.
      row: [U.a, DATE_MICROS, U.b, 'player-1', 'gold_pack', 49_900, 'EUR'],
    });
  });

  test('valid: uuids lower-cased, timestamp converted to UTC, the input record left as it was', () => {
    const record = { ...purchase, id: U.a.toUpperCase(), date: '2026-11-22T11:00:00+01:00' };
    const before = structuredClone(record);
    const verdict = classifyRecord(catalog, record);
    expect(verdict.kind).toBe('valid');
    if (verdict.kind === 'valid') {
      expect(verdict.row[0]).toBe(U.a);
      expect(verdict.row[1]).toBe(DATE_MICROS);
    }
    expect(record).toEqual(before);
  });

  test.each([
    ['a tag outside the catalog', 'player_login'],
    ['a tag differing only in case', 'Purchase'],
    ['a tag with spaces', ' purchase '],
    ['an empty tag', ''],
    ['a prototype property name', 'constructor'],
    ['another prototype property name', 'toString'],
    ['__proto__', '__proto__'],
  ])('unknown event: %s (%j), whatever its fields', (_label, tag) => {
    expect(classifyRecord(catalog, { ...purchase, event: tag })).toEqual({ kind: 'unknown', tag });
    expect(classifyRecord(catalog, { event: tag })).toEqual({ kind: 'unknown', tag });
    expect(classifyRecord(catalog, { event: tag, amount: 'not validated', id: 12 })).toEqual({ kind: 'unknown', tag });
  });

  test.each([
    ['an array', [purchase]],
    ['a string', 'purchase'],
    ['a number', 12],
    ['true', true],
    ['null', null],
  ])('not a JSON object (%s) -> rejected with a reason', (_label, value) => {
    const verdict = classifyRecord(catalog, value);
    expect(verdict.kind).toBe('rejected');
    if (verdict.kind === 'rejected') {
      expect(verdict.reason.length).toBeGreaterThan(0);
      expect(verdict.reasonKey.length).toBeGreaterThan(0);
      expect(verdict.event).toBeUndefined();
    }
  });

  test.each([
    ['missing', {}],
    ['a number', { event: 12 }],
    ['null', { event: null }],
    ['a boolean', { event: true }],
    ['an array', { event: ['purchase'] }],
    ['an object', { event: { name: 'purchase' } }],
  ])('no string `event` field (%s) -> rejected, the reason naming `event`', (_label, extra) => {
    const { event: _event, ...rest } = purchase;
    const verdict = classifyRecord(catalog, { ...rest, ...extra });
    expect(verdict.kind).toBe('rejected');
    if (verdict.kind === 'rejected') {
      expect(verdict.reason).toMatch(wordRe('event'));
      expect(verdict.event).toBeUndefined();
    }
  });

  test.each([
    ['amount', { amount: -1 }],
    ['amount', { amount: '4.99' }],
    ['amount', { amount: 1_000_000.5 }],
    ['currency', { currency: 'eur' }],
    ['id', { id: 'not-a-uuid' }],
    ['date', { date: '2026-11-22T10:00:00' }],
    ['player_id', { player_id: 12 }],
    ['sku', { sku: '' }],
  ])('a purchase with a bad %s is rejected: event, field and a reason naming it', (field, change) => {
    const verdict = classifyRecord(catalog, { ...purchase, ...change });
    expect(verdict.kind).toBe('rejected');
    if (verdict.kind !== 'rejected') return;
    expect(verdict.event).toBe('purchase');
    expect(verdict.field).toBe(field);
    expect(verdict.reason).toMatch(wordRe(field));
    expect(verdict.reasonKey).toMatch(wordRe(field));
  });

  test('a missing required field: the reason names it', () => {
    const { sku: _sku, ...record } = purchase;
    const verdict = classifyRecord(catalog, record);
    expect(verdict).toMatchObject({ kind: 'rejected', event: 'purchase' });
    if (verdict.kind === 'rejected') expect(verdict.reason).toMatch(wordRe('sku'));
  });

  test('a bad nested field names its path', () => {
    const verdict = classifyRecord(catalog, { ...matchEnd, stats: { accuracy: 1.5, headshots: 1 } });
    expect(verdict).toMatchObject({ kind: 'rejected', event: 'match_end' });
    if (verdict.kind === 'rejected') expect(verdict.reason).toMatch(/stats[._]accuracy/);
  });

  test('the reason key groups rejections by field and rule, not by value', () => {
    const keyOf = (change: object) => {
      const v = classifyRecord(catalog, { ...purchase, ...change });
      return v.kind === 'rejected' ? v.reasonKey : `not rejected: ${v.kind}`;
    };
    expect(keyOf({ amount: -1 })).toBe(keyOf({ amount: -7.5 }));
    expect(keyOf({ currency: 'eur' })).toBe(keyOf({ currency: 'dollars' }));
    expect(keyOf({ amount: -1 })).not.toBe(keyOf({ currency: 'eur' }));
  });

  test('never throws, whatever the record (strings of any characters included)', () => {
    // Every field of every event type, valid: only the substituted field can be the problem.
    const universal = {
      ...purchase,
      ...matchEnd,
      platform: 'pc',
      app_version: '1.0',
      duration_s: 1,
      reason: 'quit',
      hit_id: U.a,
      eid: 1,
      weapon: 'rifle',
      source: 'fall',
      delta: 1,
      items: [],
      id: U.a,
    };
    for (const type of catalog.eventTypes)
      expect(classifyRecord(catalog, { ...universal, event: type.tag }).kind, type.tag).toBe('valid');
    const strings = [
      '',
      'x'.repeat(65),
      '😀'.repeat(20),
      '😀'.repeat(33),
      '😀'.repeat(64),
      '\u0000',
      '\uD800',
      'é'.repeat(64),
    ];
    const fails: string[] = [];
    for (const type of catalog.eventTypes) {
      for (const field of [
        'player_id',
        'sku',
        'weapon',
        'source',
        'reason',
        'app_version',
        'id',
        'date',
        'currency',
        'platform',
      ]) {
        for (const s of strings) {
          const record = { ...universal, event: type.tag, [field]: s };
          try {
            classifyRecord(catalog, record);
          } catch (error) {
            fails.push(
              `${type.tag}.${field} = ${JSON.stringify(s.slice(0, 10))}… (${s.length} code units): ${(error as Error).message.slice(0, 80)}`,
            );
          }
        }
      }
    }
    expect(fails).toEqual([]);
  });
});
