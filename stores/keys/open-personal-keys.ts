/**
 * The configured key ring: `LOADOUT_PII_KEY_FILE` (default `$LOADOUT_HOME/keys/personal-data.json`),
 * wrapped by the KMS key `LOADOUT_KMS_KEY_ID` when set (production), plain otherwise.
 */
import { join } from 'node:path';
import { kmsWrap } from './kms-wrap';
import { openKeyRing, type KeyRing, type KeyRingOptions } from './key-ring';

export function keyRingOptions(config: { home: string }, environment: NodeJS.ProcessEnv = process.env): KeyRingOptions {
  const path = environment.LOADOUT_PII_KEY_FILE || join(config.home, 'keys', 'personal-data.json');
  const kmsKeyId = environment.LOADOUT_KMS_KEY_ID;
  return { path, ...(kmsKeyId ? { kms: kmsWrap(kmsKeyId) } : {}) };
}

export function openPersonalKeys(
  config: { home: string },
  environment: NodeJS.ProcessEnv = process.env,
): Promise<KeyRing> {
  return openKeyRing(keyRingOptions(config, environment));
}
