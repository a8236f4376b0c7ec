/** Events of types the catalog does not declare (newer clients, other teams): counted per tag by the pipeline. */
import type { GameEvent, JsonRecord } from './event-records';
import type { Random } from './random';

const CHAT = [
  'gg',
  'gg wp',
  'nice shot!',
  'rush B',
  'need healing',
  'ありがとう',
  'bien joué 👍',
  'lag?',
  'one more?',
  'he said "camping" again',
];
const ACHIEVEMENTS = ['first_blood', 'sharpshooter', 'marathon', 'collector_i', 'untouchable'];

export const UNKNOWN_TAGS = [
  ['chat_message', 50],
  ['achievement_unlocked', 30],
  ['friend_invite_sent', 15],
  ['tutorial_step_completed', 5],
] as const;

/** An unknown event of the same player session and instant as `near`. */
export function unknownEvent(near: GameEvent, random: Random, newUuid: () => string): JsonRecord {
  const tag = random.weighted(UNKNOWN_TAGS);
  const base: JsonRecord = { event: tag, id: newUuid(), date: near.record.date, psess: near.record.psess ?? newUuid() };
  switch (tag) {
    case 'chat_message':
      return { ...base, channel: random.pick(['team', 'all', 'party']), text: random.pick(CHAT) };
    case 'achievement_unlocked':
      return { ...base, achievement: random.pick(ACHIEVEMENTS), progress: 1 };
    case 'friend_invite_sent':
      return {
        ...base,
        to_player: `plr_${random.base36(10)}`,
        via: random.pick(['lobby', 'recent_players', 'search']),
      };
    default:
      return { ...base, step: random.int(1, 12), skipped: random.chance(0.2) };
  }
}
