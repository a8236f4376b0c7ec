/** damage_taken: a hit a player received; identified by game session and hit. */
import { defineEvent } from '../define-event';
import { number, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'damage_taken',
  uniqueKey: ['gsess', 'hit_id'],
  fields: {
    gsess: uuid(),
    hit_id: uuid(),
    date: timestamp(),
    psess: uuid(),
    source: string({ max: 64 }),
    amount: number({ min: 0 }),
  },
});
