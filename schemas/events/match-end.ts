/** match_end: one player's result in one game session; stats flattened into columns. */
import { defineEvent } from '../define-event';
import { flatten, integer, number, oneOf, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'match_end',
  uniqueKey: ['gsess', 'psess'],
  fields: {
    gsess: uuid(),
    psess: uuid(),
    date: timestamp(),
    result: oneOf(['win', 'loss', 'draw']),
    kills: integer({ min: 0 }),
    deaths: integer({ min: 0 }),
    stats: flatten({ accuracy: number({ min: 0, max: 1 }), headshots: integer({ min: 0 }) }),
  },
});
