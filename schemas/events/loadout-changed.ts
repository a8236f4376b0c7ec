/** loadout_changed: a player's equipped items and perks; both kept as JSON text. */
import { z } from 'zod';
import { defineEvent } from '../define-event';
import { jsonText, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'loadout_changed',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    psess: uuid(),
    items: jsonText(z.array(z.string())),
    perks: jsonText(z.record(z.string(), z.unknown())).optional(),
  },
});
