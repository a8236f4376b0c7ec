/** damage_dealt: a hit a player landed (logged only for detailed-logging sessions). */
import { defineEvent } from '../define-event';
import { boolean, integer, number, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'damage_dealt',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    gsess: uuid(),
    psess: uuid(),
    eid: integer({ min: 0 }),
    weapon: string({ max: 64 }),
    amount: number({ min: 0 }),
    critical: boolean(false),
  },
});
