/** Fresh random personal-data keys, for a benchmark or a test that keeps nothing it stages. */
import { randomBytes } from 'node:crypto';
import type { PersonalDataKeys } from './personal-data';

export function randomPersonalKeys(): PersonalDataKeys {
  return {
    pseudonymKey: randomBytes(32),
    dataKey: { id: `random-${randomBytes(4).toString('hex')}`, key: randomBytes(32) },
  };
}
