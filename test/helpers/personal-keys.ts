/** Fixed personal-data keys for tests, so expected pseudonyms can be computed in the test. */
import type { PersonalDataKeys } from '../../core/personal/personal-data';
import { pseudonymOf } from '../../core/personal/pseudonym';

export const TEST_PERSONAL_KEYS: PersonalDataKeys = {
  pseudonymKey: Buffer.alloc(32, 7),
  dataKey: { id: 'test-data-key', key: Buffer.alloc(32, 9) },
};

/** The pseudonym the test keys give a value. */
export const pseudonym = (value: string): string => pseudonymOf(TEST_PERSONAL_KEYS.pseudonymKey, value);
