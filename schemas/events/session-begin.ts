/** session_begin: a player session opens. */
import { defineEvent } from '../define-event';
import { boolean, ip, oneOf, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'session_begin',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    psess: uuid(),
    player_id: string({ max: 64 }, { personal: 'pseudonymise' }),
    platform: oneOf(['pc', 'ps5', 'xbox', 'switch', 'ios', 'android']),
    app_version: string({ max: 32 }),
    detailed_logging: boolean(false),
    ip: ip({ personal: 'network' }).optional(),
    device_id: string({ max: 128 }, { personal: 'pseudonymise' }).optional(),
  },
});
