/** Record text for the warehouse's rejects and unknown tables: no clear personal value, whatever the record's shape. */
import { beforeAll, expect, test } from 'vitest';
import { recordTextScrubber } from '../../../core/personal/scrub-record-text';
import { pseudonymOf } from '../../../core/personal/pseudonym';
import { loadCatalog } from '../../../schemas/catalog';
import { TEST_PERSONAL_KEYS } from '../../helpers/personal-keys';

let scrub: (text: string) => string;
const p = (v: string) => pseudonymOf(TEST_PERSONAL_KEYS.pseudonymKey, v);

beforeAll(async () => {
  scrub = recordTextScrubber(await loadCatalog(), TEST_PERSONAL_KEYS.pseudonymKey);
});

test.each([
  [
    'a rejected record',
    '{"event":"purchase","player_id":"alice","amount":"x"}',
    `{"event":"purchase","player_id":"${p('alice')}","amount":"x"}`,
  ],
  [
    'an unknown event with the same field',
    '{"event":"chat","player_id":"bob"}',
    `{"event":"chat","player_id":"${p('bob')}"}`,
  ],
  ['escapes decoded first, as the core does', '{"player_id":"\\u0061lice"}', `{"player_id":"${p('alice')}"}`],
  ['a number where a string belongs', '{"player_id": 42}', `{"player_id": "${p('42')}"}`],
  [
    'an address and a device blanked or pseudonymised',
    '{"ip":"203.0.113.9","device_id":"d-1"}',
    `{"ip":"[personal]","device_id":"${p('d-1')}"}`,
  ],
  [
    'a record cut off mid-value',
    '{"event":"session_begin","player_id":"ali',
    '{"event":"session_begin","player_id":"[personal]"',
  ],
  ['malformed around the pair', '{"player_id" : "carol",,}', `{"player_id" : "${p('carol')}",,}`],
  ['nothing personal', '{"event":"ping","ms":3}', '{"event":"ping","ms":3}'],
])('%s', (_name, text, expected) => {
  expect(scrub(text)).toBe(expected);
  for (const clear of ['alice', 'bob', 'carol', '203.0.113.9', 'd-1']) expect(scrub(text)).not.toContain(`"${clear}"`);
});
