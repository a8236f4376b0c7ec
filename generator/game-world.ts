/** The demo game's world: players with platform, region, currency and clock style, and the value tables. */
import type { Random } from './random';
import type { TimeStyle } from './timestamps';

export type Platform = 'pc' | 'ps5' | 'xbox' | 'switch' | 'ios' | 'android';

export interface Player {
  readonly playerId: string;
  readonly platform: Platform;
  readonly appVersion: string;
  readonly currency: string;
  /** How this player's client writes timestamps. */
  readonly style: TimeStyle;
  /** iOS clients format uuids upper-case (NSUUID.uuidString). */
  readonly upperCaseUuids: boolean;
  /** Relative activity: a few players play much more than most. */
  readonly weight: number;
}

const PLATFORMS: readonly (readonly [Platform, number])[] = [
  ['pc', 34],
  ['ps5', 20],
  ['xbox', 14],
  ['switch', 8],
  ['ios', 13],
  ['android', 11],
];

const VERSIONS: Record<Platform, readonly (readonly [string, number])[]> = {
  pc: [
    ['1.14.2', 80],
    ['1.14.1', 15],
    ['1.13.7', 5],
  ],
  ps5: [
    ['1.14.2', 70],
    ['1.14.0', 30],
  ],
  xbox: [
    ['1.14.2', 70],
    ['1.14.0', 30],
  ],
  switch: [
    ['1.13.7', 60],
    ['1.13.6', 40],
  ],
  ios: [
    ['1.14.2 (4512)', 75],
    ['1.14.1 (4498)', 20],
    ['1.13.7 (4410)', 5],
  ],
  android: [
    ['1.14.2-4512', 65],
    ['1.14.1-4498', 25],
    ['1.12.0-4201', 10],
  ],
};

/** Regions: the currency a player pays in and the UTC offsets their clock may show. */
const REGIONS: readonly (readonly [{ currency: string; offsets: readonly number[] }, number])[] = [
  [{ currency: 'USD', offsets: [-300, -360, -420, -480] }, 30],
  [{ currency: 'EUR', offsets: [60, 120] }, 25],
  [{ currency: 'GBP', offsets: [0, 60] }, 8],
  [{ currency: 'BRL', offsets: [-180] }, 8],
  [{ currency: 'JPY', offsets: [540] }, 7],
  [{ currency: 'KRW', offsets: [540] }, 5],
  [{ currency: 'CAD', offsets: [-300, -480] }, 5],
  [{ currency: 'AUD', offsets: [600, 660] }, 4],
  [{ currency: 'USD', offsets: [330, 480, 420] }, 8],
];

/** Price points per USD tier, as app stores set them per currency. */
export const PRICE_TIERS: Record<string, readonly number[]> = {
  USD: [0.99, 4.99, 9.99, 14.99, 19.99, 49.99, 99.99],
  EUR: [0.99, 5.49, 10.99, 16.99, 21.99, 54.99, 109.99],
  GBP: [0.89, 4.49, 8.99, 13.99, 17.99, 44.99, 89.99],
  BRL: [5.9, 27.9, 54.9, 79.9, 109.9, 269.9, 549.9],
  JPY: [160, 800, 1600, 2400, 3200, 8000, 16000],
  KRW: [1200, 6500, 13000, 19000, 25000, 65000, 129000],
  CAD: [1.39, 6.99, 13.99, 20.99, 27.99, 69.99, 139.99],
  AUD: [1.49, 7.99, 15.99, 22.99, 30.99, 79.99, 159.99],
};

/** sku, price tier (index into PRICE_TIERS, -1 for free), weight. */
export const SKUS: readonly (readonly [{ sku: string; tier: number }, number])[] = [
  [{ sku: 'gems_100', tier: 0 }, 30],
  [{ sku: 'gems_550', tier: 1 }, 20],
  [{ sku: 'starter_bundle', tier: 1 }, 12],
  [{ sku: 'gems_1200', tier: 2 }, 10],
  [{ sku: 'battle_pass_s7', tier: 2 }, 12],
  [{ sku: 'skin_viper_gold', tier: 3 }, 5],
  [{ sku: 'gems_2500', tier: 4 }, 4],
  [{ sku: 'gems_6500', tier: 5 }, 2],
  [{ sku: 'gems_14000', tier: 6 }, 1],
  [{ sku: 'daily_free_crate', tier: -1 }, 6],
];

/** Weapon name and base damage per hit. */
export const WEAPONS: readonly (readonly [string, number])[] = [
  ['ak_47', 27],
  ['m4a1', 24],
  ['mp5', 18],
  ['p90', 16],
  ['awp', 115],
  ['deagle', 48],
  ['shotgun_pump', 70],
  ['knife', 50],
  ['frag_grenade', 85],
  ['rpg', 120],
];
export const ENVIRONMENT_SOURCES: readonly (readonly [string, number])[] = [
  ['fall', 15],
  ['storm', 5],
  ['explosion', 60],
  ['turret', 20],
];
export const GADGETS = ['frag_grenade', 'smoke_grenade', 'flashbang', 'medkit', 'armor_plate', 'claymore'];
export const PERKS = ['sprinter', 'scavenger', 'ghost', 'hardline', 'steady_aim', 'fast_hands', 'tracker'];

export function createPlayers(count: number, random: Random): Player[] {
  const players: Player[] = [];
  for (let i = 0; i < count; i++) {
    const platform = random.weighted(PLATFORMS);
    const region = random.weighted(REGIONS);
    // Most clients write UTC; some SDKs write local time with its offset.
    const local = random.chance(0.15);
    const fraction =
      platform === 'switch'
        ? 0
        : platform === 'android'
          ? random.weighted<0 | 3 | 6>([
              [3, 70],
              [6, 30],
            ])
          : 3;
    players.push({
      playerId: `plr_${i.toString(36).padStart(4, '0')}${random.base36(6)}`,
      platform,
      appVersion: random.weighted(VERSIONS[platform]),
      currency: region.currency,
      style: { fraction, offsetMinutes: local ? random.pick(region.offsets) : null },
      upperCaseUuids: platform === 'ios',
      // Heavy-tailed activity: a few players play many sessions.
      weight: 0.2 + Math.pow(random.next(), 3) * 5,
    });
  }
  return players;
}

/**
 * Which player opens each of `sessions` sessions (in time order): among those from `covered` on,
 * every player at least once when there are enough of them; the rest by activity weight.
 */
export function assignPlayers(
  players: readonly Player[],
  sessions: number,
  covered: number,
  random: Random,
): Uint32Array {
  const order = new Uint32Array(sessions);
  const cumulative = new Float64Array(players.length);
  let total = 0;
  for (let i = 0; i < players.length; i++) cumulative[i] = total += players[i]!.weight;
  const weighted = () => {
    const r = random.next() * total;
    let lo = 0,
      hi = players.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const from = Math.min(covered, sessions);
  const tail = order.subarray(from);
  const perm = Array.from({ length: players.length }, (_, i) => i);
  shuffle(perm, random);
  const distinct = Math.min(players.length, tail.length);
  for (let i = 0; i < distinct; i++) tail[i] = perm[i]!;
  for (let i = distinct; i < tail.length; i++) tail[i] = weighted();
  shuffle(tail, random);
  for (let i = 0; i < from; i++) order[i] = weighted();
  return order;
}

function shuffle(items: { [i: number]: number; length: number }, random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}
