/**
 * The clear personal values, sealed with AES-256-GCM (node:crypto) under a data key: base64 of
 * a version byte, a random 96-bit IV, the ciphertext and the 128-bit tag. The pseudonym is the
 * additional authenticated data, so a sealed value moved to another pseudonym's row fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface DataKey {
  /** Names the key in every sealed row, so a reader picks the right one after a rotation. */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function assertDataKey(dataKey: DataKey): void {
  if (dataKey.key.length !== 32)
    throw new Error(`data key ${dataKey.id}: AES-256 needs 32 bytes (got ${dataKey.key.length})`);
}

export function seal(dataKey: DataKey, plaintext: string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the key, the pseudonym or the bytes are not the ones it was sealed with; the message holds none of them. */
export function unseal(dataKey: DataKey, sealed: string, aad: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION)
    throw new Error('not a sealed personal-data value');
  const decipher = createDecipheriv('aes-256-gcm', dataKey.key, bytes.subarray(1, 1 + IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error(`a sealed personal-data value did not open under data key ${dataKey.id}`);
  }
}
