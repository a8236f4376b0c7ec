/** The personal-data key ring: an owner-only file for the embedded default, KMS envelope encryption against moto's KMS. */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seal, unseal } from '../../../core/personal/seal';
import { openKeyRing, rotateDataKey } from '../../../stores/keys/key-ring';
import { kmsWrap } from '../../../stores/keys/kms-wrap';
import { keyRingOptions } from '../../../stores/keys/open-personal-keys';
import { motoEnv, startMoto, type MotoServer } from '../../helpers/moto-server';

const root = mkdtempSync(join(tmpdir(), 'loadout-key-ring-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('plain key ring (embedded default)', () => {
  test('created under LOADOUT_HOME with mode 0600 in a 0700 directory, and the same keys on every open', async () => {
    const home = join(root, 'home');
    const options = keyRingOptions({ home }, {});
    expect(options.path).toBe(join(home, 'keys', 'personal-data.json'));
    const first = await openKeyRing(options);
    expect(statSync(options.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'keys')).mode & 0o777).toBe(0o700);
    expect(first.personal.pseudonymKey.length).toBe(32);
    expect(first.personal.dataKey.key.length).toBe(32);
    const again = await openKeyRing(options);
    expect(Buffer.from(again.personal.pseudonymKey).equals(Buffer.from(first.personal.pseudonymKey))).toBe(true);
    expect(again.personal.dataKey.id).toBe(first.personal.dataKey.id);
  });

  test('two processes creating it at once end up with one ring', async () => {
    const path = join(root, 'race', 'ring.json');
    const rings = await Promise.all([openKeyRing({ path }), openKeyRing({ path }), openKeyRing({ path })]);
    const ids = new Set(rings.map((r) => Buffer.from(r.personal.pseudonymKey).toString('hex')));
    expect(ids.size).toBe(1);
  });

  test('a ring readable by others is refused, naming the fix', async () => {
    const path = join(root, 'open', 'ring.json');
    await openKeyRing({ path });
    chmodSync(path, 0o644);
    await expect(openKeyRing({ path })).rejects.toThrow(/readable by others \(mode 644\): chmod 600/);
  });

  test('rotating the data key seals with the new one; the old one still opens what it sealed', async () => {
    const path = join(root, 'rotate', 'ring.json');
    const before = await openKeyRing({ path });
    const sealed = seal(before.personal.dataKey, '{"player_id":["p"]}', 'pseudo');
    const id = await rotateDataKey({ path });
    const after = await openKeyRing({ path });
    expect(after.personal.dataKey.id).toBe(id);
    expect(id).not.toBe(before.personal.dataKey.id);
    expect(Buffer.from(after.personal.pseudonymKey).equals(Buffer.from(before.personal.pseudonymKey))).toBe(true);
    expect(unseal(after.dataKeys.get(before.personal.dataKey.id)!, sealed, 'pseudo')).toBe('{"player_id":["p"]}');
    expect(() => unseal(after.personal.dataKey, sealed, 'pseudo')).toThrow(/did not open under data key/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('KMS envelope encryption (moto)', () => {
  let moto: MotoServer;
  let client: KMSClient;
  let keyId: string;
  beforeAll(async () => {
    moto = await startMoto();
    const env = motoEnv(moto.endpoint);
    client = new KMSClient({
      endpoint: moto.endpoint,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    keyId = (await client.send(new CreateKeyCommand({ Description: 'loadout test' }))).KeyMetadata!.KeyId!;
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  test('the file holds only wrapped keys; KMS unwraps the same keys on the next open', async () => {
    const path = join(root, 'kms', 'ring.json');
    const ring = await openKeyRing({ path, kms: kmsWrap(keyId, client) });
    const file = JSON.parse(readFileSync(path, 'utf8')) as {
      kmsKeyId: string;
      pseudonymKey: string;
      dataKeys: { key: string }[];
    };
    expect(file.kmsKeyId).toBe(keyId);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(Buffer.from(ring.personal.pseudonymKey).toString('base64'));
    expect(text).not.toContain(Buffer.from(ring.personal.dataKey.key).toString('base64'));
    expect(Buffer.from(file.pseudonymKey, 'base64').length).toBeGreaterThan(32);

    const again = await openKeyRing({ path, kms: kmsWrap(keyId, client) });
    expect(Buffer.from(again.personal.pseudonymKey).equals(Buffer.from(ring.personal.pseudonymKey))).toBe(true);
    const sealed = seal(ring.personal.dataKey, '{"ip":["203.0.113.7"]}', 'p');
    expect(unseal(again.personal.dataKey, sealed, 'p')).toBe('{"ip":["203.0.113.7"]}');

    const rotated = await rotateDataKey({ path, kms: kmsWrap(keyId, client) });
    expect((await openKeyRing({ path, kms: kmsWrap(keyId, client) })).personal.dataKey.id).toBe(rotated);
  });

  test('a wrapped ring is refused without KMS, and KMS refuses a pseudonym key presented as a data key', async () => {
    const path = join(root, 'kms-refused', 'ring.json');
    await openKeyRing({ path, kms: kmsWrap(keyId, client) });
    await expect(openKeyRing({ path })).rejects.toThrow(/wrapped by KMS key .*: set LOADOUT_KMS_KEY_ID/);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { pseudonymKey: string };
    // The encryption context binds each wrapped key to its purpose.
    await expect(
      kmsWrap(keyId, client).unwrap(Buffer.from(file.pseudonymKey, 'base64'), 'data-key:x'),
    ).rejects.toThrow();
  });
});
