/**
 * Sample records of every shipped event type and a palette of edge values (every JSON type, the
 * edges of every catalog rule), shared by the tests that hold two implementations of the rules
 * to agreement: the fast checks against zod, the byte-level fast lane against the fast checks.
 */
export const ABSENT = Symbol('absent');

export const U = {
  a: '0f8fad5b-d9cb-469f-a165-70867728950e',
  b: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  c: 'c56a4180-65aa-42ec-a945-5fd21dec0538',
  d: '16fd2706-8baf-433b-82eb-8c7fada847da',
};
export const DATE = '2026-11-22T10:00:00Z';

export const VALID: Record<string, Record<string, unknown>> = {
  session_begin: {
    event: 'session_begin',
    id: U.a,
    date: DATE,
    psess: U.b,
    player_id: 'player-1',
    platform: 'pc',
    app_version: '1.4.2',
    detailed_logging: true,
    ip: '203.0.113.77',
    device_id: 'device-1',
  },
  session_end: { event: 'session_end', id: U.a, date: DATE, psess: U.b, duration_s: 600.5, reason: 'quit' },
  damage_dealt: {
    event: 'damage_dealt',
    id: U.a,
    date: DATE,
    gsess: U.c,
    psess: U.b,
    eid: 7,
    weapon: 'rifle',
    amount: 12.5,
    critical: true,
  },
  damage_taken: {
    event: 'damage_taken',
    gsess: U.c,
    hit_id: U.d,
    date: DATE,
    psess: U.b,
    source: 'grenade',
    amount: 30,
  },
  kiosk_weapon_offered: {
    event: 'kiosk_weapon_offered',
    id: U.a,
    date: DATE,
    psess: U.b,
    gsess: U.c,
    eid: 3,
    weapon: 'shotgun',
  },
  purchase: {
    event: 'purchase',
    id: U.a,
    date: DATE,
    psess: U.b,
    player_id: 'player-1',
    sku: 'gold_pack',
    amount: 4.99,
    currency: 'EUR',
  },
  score_adjustment: {
    event: 'score_adjustment',
    id: U.a,
    date: DATE,
    psess: U.b,
    player_id: 'player-1',
    delta: -25,
    reason: 'team kill',
  },
  loadout_changed: {
    event: 'loadout_changed',
    id: U.a,
    date: DATE,
    psess: U.b,
    items: ['rifle', 'scope'],
    perks: { speed: 2 },
  },
  match_end: {
    event: 'match_end',
    gsess: U.c,
    psess: U.b,
    date: DATE,
    result: 'win',
    kills: 10,
    deaths: 2,
    stats: { accuracy: 0.42, headshots: 4 },
  },
};

/** Values of every JSON type plus the edges of every rule in the catalog. */
export const PALETTE: unknown[] = [
  ABSENT,
  null,
  true,
  false,
  // numbers
  0,
  -0,
  1,
  -1,
  0.5,
  -0.01,
  1.5,
  -1.5,
  0.999999,
  1.0000001,
  42,
  1e6,
  1e6 + 0.01,
  999_999.99,
  // decimals: a float artifact, a tie at the 5th fraction digit, half a unit
  19.990000000000002,
  12.34565,
  0.00005,
  1e9,
  1e21,
  1e308,
  -1e308,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53 - 1),
  -(2 ** 53),
  Number.MIN_VALUE,
  5e-324,
  // strings
  '',
  ' ',
  'a',
  '12',
  '0',
  '-1',
  '1.5',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  'x'.repeat(32),
  'x'.repeat(33),
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(128),
  'x'.repeat(129),
  'é'.repeat(64),
  'é'.repeat(65),
  '😀'.repeat(16),
  '😀'.repeat(32),
  '😀'.repeat(33),
  // 2-, 3- and 4-byte characters at and over the 64-character bound (256 bytes in UTF-8)
  '€'.repeat(64),
  '€'.repeat(65),
  '😀'.repeat(64),
  '😀'.repeat(65),
  '\u0000',
  'line\nbreak',
  // uuids
  U.a,
  U.a.toUpperCase(),
  'C56A4180-65aa-42EC-a945-5FD21DEC0538',
  U.a.slice(0, 35),
  `${U.a}0`,
  U.a.replace('f', 'g'),
  U.a.replaceAll('-', ''),
  `{${U.a}}`,
  U.a.replace('-', '_'),
  U.a.replace('0', '٠'),
  U.a.replace('a', 'ａ'),
  // timestamps
  DATE,
  '2026-11-22T10:00:00z',
  '2026-11-22t10:00:00Z',
  '2026-11-22T10:00:00+01:00',
  '2026-11-22T10:00:00-0530',
  '2026-11-22T10:00:00+02',
  '2026-11-22T10:00:00.5Z',
  '2026-11-22T10:00:00.123456Z',
  '2026-11-22T10:00:00.123456789Z',
  '2026-11-22T10:00:00.1234567891Z',
  '2026-11-22T10:00:00.Z',
  '2026-11-22T10:00:00',
  '2026-11-22 10:00:00Z',
  '2026-11-22',
  '1999-12-31T23:59:59Z',
  '2000-01-01T00:00:00Z',
  '2100-12-31T23:59:59.999999Z',
  '2101-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-11-22T24:00:00Z',
  '2026-11-22T10:60:00Z',
  '2026-11-22T10:00:60Z',
  '2026-11-22T10:00:00+24:00',
  '2026-11-22T10:00:00+01:60',
  '2000-01-01T00:30:00+01:00',
  '2100-12-31T23:30:00-01:00',
  '+2026-11-22T10:00:00Z',
  '2026-1-22T10:00:00Z',
  // enums and currencies
  'pc',
  'PC',
  'ps5',
  'xbox',
  'switch',
  'ios',
  'android',
  'quit',
  'disconnect',
  'crash',
  'kicked',
  'timeout',
  'win',
  'loss',
  'draw',
  'Win',
  'EUR',
  'USD',
  'eur',
  'EU',
  'EURO',
  'E1R',
  'ÄÖÜ',
  // IP addresses
  '203.0.113.77',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3',
  '1.2.3.4.5',
  '2001:db8::1',
  '2001:DB8:0:0:8:800:200C:417A',
  '::',
  '::1',
  'fe80::1%eth0',
  '::ffff:1.2.3.4',
  '2001:db8::1::2',
  '12345::',
  ' 1.2.3.4',
  // arrays
  [],
  ['a'],
  ['rifle', 'scope'],
  // JSON text of 65,535 bytes (the bound) and 65,536, in ASCII and in 4-byte characters
  ['x'.repeat(65_531)],
  ['x'.repeat(65_532)],
  ['😀'.repeat(16_382) + 'xxx'],
  ['😀'.repeat(16_383)],
  [1],
  ['a', null],
  [['a']],
  [{}],
  [true],
  // objects
  {},
  { a: 1 },
  { speed: 2, tags: ['x'], inner: { y: null } },
  { accuracy: 0.5, headshots: 1 },
  { accuracy: 1, headshots: 0 },
  { accuracy: 0, headshots: 0, assists: 3 },
  { accuracy: 2, headshots: 1 },
  { accuracy: 0.5 },
  { headshots: 1 },
  { accuracy: '0.5', headshots: 1 },
  { accuracy: 0.5, headshots: 1.5 },
  { accuracy: 0.5, headshots: -1 },
  { accuracy: null, headshots: 1 },
];

export function withValue(
  record: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(record);
  let target = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return copy;
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === ABSENT) delete target[last];
  else target[last] = structuredClone(value);
  return copy;
}

export function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = (v as Record<string, unknown>)[key];
  return v;
}

/** Every field path of a record, nested objects included (but not the `event` tag, which routes it). */
export function fieldPaths(record: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(record).flatMap(([key, value]) => {
    if (prefix.length === 0 && key === 'event') return [];
    const here = [...prefix, key];
    return typeof value === 'object' && value !== null && !Array.isArray(value) && key === 'stats'
      ? [here, ...fieldPaths(value as Record<string, unknown>, here)]
      : [here];
  });
}

/** A small deterministic PRNG, so a failure reproduces. */
export function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
