/**
 * Envelope encryption with AWS KMS: each key of the key ring is a KMS data key (GenerateDataKey,
 * AES_256); the key ring file holds only its wrapped form, which KMS alone unwraps (Decrypt).
 */
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';

export interface KmsWrap {
  readonly keyId: string;
  /** A new 32-byte key: its clear bytes for this process, its wrapped bytes for the file. */
  generate(purpose: string): Promise<{ plain: Uint8Array; wrapped: Uint8Array }>;
  unwrap(wrapped: Uint8Array, purpose: string): Promise<Uint8Array>;
}

/** `client` defaults to the SDK's standard chain (AWS_ENDPOINT_URL points it at moto or LocalStack). */
export function kmsWrap(keyId: string, client: KMSClient = new KMSClient({})): KmsWrap {
  // The purpose is the encryption context: a wrapped pseudonym key does not unwrap as a data key.
  const context = (purpose: string) => ({ 'loadout-purpose': purpose });
  return {
    keyId,
    async generate(purpose) {
      const out = await client.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context(purpose) }),
      );
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error(`KMS GenerateDataKey under ${keyId} returned no key`);
      return { plain: out.Plaintext, wrapped: out.CiphertextBlob };
    },
    async unwrap(wrapped, purpose) {
      const out = await client.send(
        new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: context(purpose) }),
      );
      if (!out.Plaintext) throw new Error(`KMS Decrypt under ${keyId} returned no key`);
      return out.Plaintext;
    },
  };
}
