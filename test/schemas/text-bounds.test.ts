/** Every text column of the shipped catalog declares the byte bound the event catalog gives it. */
import { describe, expect, test } from 'vitest';
import { networkOf } from '../../core/personal/network';
import { PSEUDONYM_LENGTH, pseudonymOf } from '../../core/personal/pseudonym';
import { PERSONAL_DATA_COLUMNS } from '../../core/personal/personal-data-file';
import { loadCatalog } from '../../schemas/catalog';
import { INVALID, ip, pattern } from '../../schemas/fields';
import {
  longestMatchBytes,
  MAX_TEXT_BYTES,
  NETWORK_TEXT_BYTES,
  PSEUDONYM_BYTES,
  utf8Length,
} from '../../schemas/text-bounds';

describe('byte bounds of the shipped catalog', () => {
  test('uuids 36, pseudonyms 32, networks 39, enums and patterns their longest value, strings 4 bytes a character, JSON 65,535', async () => {
    const catalog = await loadCatalog();
    const bounds = Object.fromEntries(
      catalog.eventTypes.map((t) => [
        t.table,
        Object.fromEntries(t.columns.filter((c) => c.maxBytes !== undefined).map((c) => [c.name, c.maxBytes])),
      ]),
    );
    expect(bounds.session_begin).toEqual({
      id: 36,
      psess: 36,
      player_id: 32,
      platform: 7, // android
      app_version: 128,
      ip: 39,
      device_id: 32,
    });
    expect(bounds.purchase).toEqual({ id: 36, psess: 36, player_id: 32, sku: 256, currency: 3 });
    expect(bounds.session_end).toEqual({ id: 36, psess: 36, reason: 10 }); // disconnect
    expect(bounds.score_adjustment).toEqual({ id: 36, psess: 36, player_id: 32, reason: 512 });
    expect(bounds.loadout_changed).toEqual({ id: 36, psess: 36, items: MAX_TEXT_BYTES, perks: MAX_TEXT_BYTES });
    expect(bounds.match_end).toEqual({ gsess: 36, psess: 36, result: 4 });
    // Every text column has one, and no other column does.
    for (const type of [...catalog.eventTypes]) {
      for (const c of type.columns) {
        expect(c.maxBytes !== undefined, `${type.table}.${c.name}`).toBe(c.type === 'string' || c.type === 'json');
        if (c.maxBytes !== undefined) expect(c.maxBytes).toBeLessThanOrEqual(MAX_TEXT_BYTES);
      }
    }
    expect(PERSONAL_DATA_COLUMNS.find((c) => c.name === 'sealed_values')!.maxBytes).toBe(MAX_TEXT_BYTES);
  });

  test('what the personal-data treatments write fits their bounds', () => {
    expect(PSEUDONYM_BYTES).toBe(PSEUDONYM_LENGTH);
    expect(utf8Length(pseudonymOf(new Uint8Array(32).fill(7), 'é'.repeat(64)))).toBe(PSEUDONYM_BYTES);
    const widest = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    expect(utf8Length(networkOf(widest))).toBeLessThanOrEqual(NETWORK_TEXT_BYTES);
    expect(utf8Length(networkOf('255.255.255.255'))).toBeLessThanOrEqual(NETWORK_TEXT_BYTES);
    // The clear address bound: the longest text the ip rule accepts.
    const field = ip();
    expect(field.fast(widest)).toBe(widest);
    expect(field.columns('ip', ['ip'])[0]!.maxBytes).toBeGreaterThanOrEqual(widest.length);
  });
});

describe('longestMatchBytes', () => {
  test.each([
    [/^[A-Z]{3}$/, 3],
    [/^[a-z0-9_-]{1,32}$/, 32],
    [/^(?:v|ver)?\d{1,3}\.\d{1,3}$/, 10],
    [/^é{2}$/, 4],
    [/^.{2}$/, 6], // a code unit of a lone `.` is up to 3 bytes
    [/^.{2}$/u, 8], // a code point up to 4
    [/^[^,]{4}$/, 12],
    [/^\s$/, 3],
  ])('%s: %i bytes', (regex, bytes) => {
    expect(longestMatchBytes(regex)).toBe(bytes);
  });

  test.each([/^a+$/, /^a*$/, /^a{2,}$/, /abc/, /^(a)\1$/, /^(?=a)a$/, /^\u00e9$/, /^a{70000}$/])(
    '%s: unbounded or not followed, so the column takes MAX_TEXT_BYTES and checks it',
    (regex) => {
      expect(longestMatchBytes(regex)).toBeUndefined();
    },
  );
});

describe('a pattern with no longest match is checked against MAX_TEXT_BYTES, fast check and zod alike', () => {
  test('65,535 bytes accepted, 65,536 refused naming the bound', () => {
    const field = pattern(/^[^,]+$/, 'not a comma-free word');
    expect(field.columns('word', ['word'])[0]!.maxBytes).toBe(MAX_TEXT_BYTES);
    const at = '😀'.repeat(16_383) + '€',
      over = '😀'.repeat(16_384);
    expect(field.fast(at)).toBe(at);
    expect(field.schema.safeParse(at).success).toBe(true);
    expect(field.fast(over)).toBe(INVALID);
    const parsed = field.schema.safeParse(over);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe('a string of 65536 UTF-8 bytes is over its bound of 65535 bytes');
  });
});
