/** session_end: a player session closes. */
import { defineEvent } from '../define-event';
import { number, oneOf, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'session_end',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    psess: uuid(),
    duration_s: number({ min: 0 }),
    reason: oneOf(['quit', 'disconnect', 'crash', 'kicked', 'timeout']),
  },
});
