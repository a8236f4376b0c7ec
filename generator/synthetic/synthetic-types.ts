/**
 * Catalog-less event types for scale runs: N types named like a game's, a Zipf-like share of
 * the traffic each, a few attributes, and late attributes that first appear partway through.
 */
import { Random } from '../random';

export type SyntheticKind = 'integer' | 'number' | 'string' | 'boolean';

export interface SyntheticAttribute {
  name: string;
  kind: SyntheticKind;
  /** Share of the run (0-1) after which records carry it: 0 from the start, later for new attributes. */
  appearsAt: number;
}

export interface SyntheticType {
  tag: string;
  attributes: SyntheticAttribute[];
  /** This type's share of all records (the shares sum to 1). */
  share: number;
}

const NOUNS = ['quest', 'item', 'craft', 'guild', 'chat', 'lobby', 'reward', 'trade', 'level', 'skill', 'boss', 'pet'];
const VERBS = ['started', 'completed', 'failed', 'opened', 'closed', 'used', 'gained', 'lost', 'joined', 'viewed'];
const ATTRIBUTES = ['count', 'value', 'tier', 'zone', 'mode', 'score', 'cost', 'rank', 'slot', 'streak', 'combo'];
const KINDS: readonly SyntheticKind[] = ['integer', 'number', 'string', 'boolean'];

/** `quest_started`, ..., then `quest_started_2` once the words run out: stable for a given index. */
export function syntheticTag(index: number): string {
  const pairs = NOUNS.length * VERBS.length;
  const pair = index % pairs;
  const round = Math.floor(index / pairs);
  const tag = `${NOUNS[pair % NOUNS.length]}_${VERBS[Math.floor(pair / NOUNS.length)]}`;
  return round === 0 ? tag : `${tag}_${round + 1}`;
}

/**
 * `count` types, the i-th (from 0) weighing 1/(i+1)^exponent: with 300 types and exponent 1.1 the
 * most frequent takes about 16 % of records and the rarest a few in 100,000. One or two attributes of
 * each type appear only after 30-80 % of the run: what a studio's new game version sends.
 */
export function syntheticTypes(count: number, seed: number, exponent = 1.1): SyntheticType[] {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new Error(`generate: types must be a whole number >= 1, got ${count}`);
  const random = new Random(seed, 901);
  const weights = Array.from({ length: count }, (_, i) => 1 / Math.pow(i + 1, exponent));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((weight, i) => {
    const names = [...ATTRIBUTES].sort(() => random.next() - 0.5);
    const steady = random.int(2, 5);
    const late = random.int(1, 2);
    const attributes: SyntheticAttribute[] = names.slice(0, steady + late).map((name, j) => ({
      name,
      kind: random.pick(KINDS),
      appearsAt: j < steady ? 0 : Math.round(random.uniform(0.3, 0.8) * 100) / 100,
    }));
    return { tag: syntheticTag(i), attributes, share: weight / total };
  });
}

/** A value of the kind, small and varied. */
export function syntheticValue(kind: SyntheticKind, random: Random): unknown {
  switch (kind) {
    case 'integer':
      return random.int(0, 10_000);
    case 'number':
      return Math.round(random.uniform(0, 1000) * 100) / 100;
    case 'string':
      return `v${random.base36(random.int(2, 8))}`;
    case 'boolean':
      return random.chance(0.5);
  }
}
