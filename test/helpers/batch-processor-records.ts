/** A small hand-written mixed file for BatchProcessor's tests: one record of each kind, valid, duplicate, rejected and unknown. */

/** Deterministic uuids with hex letters in them, so lower-casing shows. */
export const u = (n: number) =>
  `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def0123456${(n % 256).toString(16).padStart(2, '0')}`;
export const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;
export const j = (o: object) => JSON.stringify(o);

export const P1 = u(0x101),
  P2 = u(0x102),
  G1 = u(0x201),
  H1 = u(0x301),
  H2 = u(0x302);
export const DATE = '2026-11-22T10:00:00Z';
export const DATE_US = utc(2026, 11, 22, 10);

export const A = {
  event: 'session_begin',
  id: u(1),
  date: DATE,
  psess: P1,
  player_id: 'player-1',
  platform: 'pc',
  app_version: '1.4.2',
};
export const B = {
  event: 'purchase',
  id: u(2).toUpperCase(),
  date: '2026-11-22T10:05:00.250+01:00',
  psess: P1,
  player_id: 'player-1',
  sku: 'gold_pack',
  amount: 4.99,
  currency: 'EUR',
};
export const C = {
  event: 'damage_dealt',
  id: u(3),
  date: DATE,
  gsess: G1,
  psess: P1,
  eid: 7,
  weapon: 'rifle',
  amount: 12.5,
};
export const D = { event: 'damage_taken', gsess: G1, hit_id: H1, date: DATE, psess: P1, source: 'grenade', amount: 30 };
export const D2 = { ...D, hit_id: H1.toUpperCase(), psess: P2, amount: 99 };
export const E = {
  event: 'damage_taken',
  gsess: G1,
  hit_id: H2,
  date: '2026-11-22T05:00:00-05:00',
  psess: P2,
  source: 'fall',
  amount: 0,
};
export const F = {
  event: 'kiosk_weapon_offered',
  id: u(6),
  date: DATE,
  psess: P1,
  gsess: G1,
  eid: 0,
  weapon: 'shotgun',
  region: 'eu-west',
};
export const G = {
  event: 'match_end',
  gsess: G1,
  psess: P1,
  date: DATE,
  result: 'win',
  kills: 10,
  deaths: 2,
  stats: { accuracy: 0.42, headshots: 4, assists: 3 },
};
export const H = {
  event: 'match_end',
  gsess: G1,
  psess: P2.toUpperCase(),
  date: DATE,
  result: 'loss',
  kills: 2,
  deaths: 10,
  stats: { accuracy: 0, headshots: 0 },
};
export const G2 = { ...G, psess: P1.toUpperCase(), kills: 99, stats: { accuracy: 1, headshots: 9 } };
export const I = { event: 'loadout_changed', id: u(9), date: DATE, psess: P1, items: ['rifle', 'scope'] };
export const J = {
  event: 'loadout_changed',
  id: u(10),
  date: DATE,
  psess: P2,
  items: [],
  perks: { speed: { deep: 1 } },
};
export const K = {
  event: 'score_adjustment',
  id: u(11),
  date: DATE,
  psess: P1,
  player_id: 'player-2',
  delta: -5,
  reason: '',
};
export const L = { event: 'session_end', id: u(12), date: DATE, psess: P1, duration_s: 600.5, reason: 'quit' };
export const M = { event: 'session_end', id: u(13), date: DATE, psess: P2, duration_s: 0, reason: 'timeout' };
export const N = {
  event: 'purchase',
  id: u(1),
  date: '2026-11-22T11:00:00Z',
  psess: P2,
  player_id: 'player-2',
  sku: 'crate',
  amount: 1_000_000,
  currency: 'USD',
};

export const BAD_AMOUNT = j({ ...B, id: u(20), amount: -1 });
export const BAD_PLATFORM = j({ ...A, id: u(21), platform: 'nintendo' });
export const UNKNOWN_1 = j({ event: 'player_login', id: u(30), date: DATE, device: { os: 'ios' } });
export const UNKNOWN_2 = j({ event: 'achievement_unlocked', id: u(31), name: 'first blood' });
export const TRUNCATED = '{"event":"purchase","id":"' + u(40).slice(0, 12);
export const NO_EVENT = j({ id: u(41), date: DATE });

/** The mixed file: line numbers in the comments. */
export const LINES = [
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
export const MIXED = LINES.join('\n');
export const SOURCE = 'raw/2026/11/22/10/mixed.json';
