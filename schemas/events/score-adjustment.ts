/** score_adjustment: a change to a player's score; delta may be negative. */
import { defineEvent } from '../define-event';
import { integer, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'score_adjustment',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    psess: uuid(),
    player_id: string({ max: 64 }, { personal: 'pseudonymise' }),
    delta: integer(),
    reason: string({ min: 0, max: 128 }),
  },
});
