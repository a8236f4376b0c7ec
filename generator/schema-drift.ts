/** Undeclared attributes that newer producers add to valid events: what the pipeline reports as schema drift. */
import type { GameEvent, Tag } from './event-records';
import type { Random } from './random';

interface DriftAttribute {
  /** Dotted path as the pipeline reports it: the top-most undeclared attribute. */
  readonly path: string;
  readonly value: (random: Random) => unknown;
}

const DRIFT: Record<Tag, readonly DriftAttribute[]> = {
  session_begin: [
    { path: 'region', value: (r) => r.pick(['eu-west-1', 'us-east-1', 'ap-northeast-1', 'sa-east-1']) },
    { path: 'locale', value: (r) => r.pick(['en-US', 'de-DE', 'ja-JP', 'pt-BR']) },
  ],
  session_end: [{ path: 'fps_avg', value: (r) => Math.round(r.uniform(28, 144) * 10) / 10 }],
  damage_dealt: [{ path: 'distance_m', value: (r) => Math.round(r.uniform(1, 180) * 10) / 10 }],
  damage_taken: [{ path: 'position', value: (r) => ({ x: r.int(-500, 500), y: r.int(-500, 500), z: r.int(0, 60) }) }],
  kiosk_weapon_offered: [{ path: 'price_coins', value: (r) => r.pick([500, 750, 1200, 2000]) }],
  purchase: [
    { path: 'store', value: (r) => r.pick(['steam', 'psn', 'xbox_store', 'eshop', 'app_store', 'google_play']) },
    { path: 'promo_code', value: (r) => r.pick(['SUMMER24', 'WELCOME', 'CREATOR_NOVA']) },
  ],
  score_adjustment: [{ path: 'multiplier', value: (r) => r.pick([1.5, 2]) }],
  // perks is opaque JSON text: attributes inside it are never drift, so drift goes on top.
  loadout_changed: [{ path: 'skin', value: (r) => r.pick(['viper_gold', 'arctic', 'neon_tiger']) }],
  match_end: [
    { path: 'stats.assists', value: (r) => r.int(0, 12) },
    { path: 'map', value: (r) => r.pick(['harbor', 'refinery', 'old_town', 'dunes']) },
  ],
};

/** Adds undeclared attributes to records, each path of a tag in turn, so every one shows up early. */
export class DriftInjector {
  private readonly used = new Map<string, number>();

  /** True when the tag has a drift path not used yet. */
  hasUnused(tag: Tag): boolean {
    return DRIFT[tag].some((a) => !this.used.has(`${tag}.${a.path}`));
  }

  /** Adds one undeclared attribute to the event's record and returns its path. */
  add(event: GameEvent, random: Random): string {
    let attribute = DRIFT[event.tag][0]!,
      fewest = Infinity;
    for (const a of DRIFT[event.tag]) {
      const count = this.used.get(`${event.tag}.${a.path}`) ?? 0;
      if (count < fewest) [attribute, fewest] = [a, count];
    }
    this.used.set(`${event.tag}.${attribute.path}`, fewest + 1);
    const keys = attribute.path.split('.');
    let target = event.record as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[keys[keys.length - 1]!] = attribute.value(random);
    return attribute.path;
  }
}
