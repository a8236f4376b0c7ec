/** purchase: real-money bookings, the source of the bookings KPI. */
import { defineEvent } from '../define-event';
import { decimal, pattern, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'purchase',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    psess: uuid(),
    player_id: string({ max: 64 }, { personal: 'pseudonymise' }),
    sku: string({ max: 64 }),
    amount: decimal({ min: 0, max: 1_000_000 }),
    currency: pattern(/^[A-Z]{3}$/, 'not three upper-case letters'),
  },
});
