/** kiosk_weapon_offered: the in-game kiosk offered a weapon to a player. */
import { defineEvent } from '../define-event';
import { integer, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'kiosk_weapon_offered',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    psess: uuid(),
    gsess: uuid(),
    eid: integer({ min: 0 }),
    weapon: string({ max: 64 }),
  },
});
