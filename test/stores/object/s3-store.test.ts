/** S3ObjectStore against a real moto server: the contract, plus prefixes, pagination and the default client. */
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openObjectStore } from '../../../stores/object/open-object-store';
import type { UnprocessableObject } from '../../../stores/object/object-store';
import { S3ObjectStore } from '../../../stores/object/s3-store';
import { motoEnv, motoS3Client, startMoto, type MotoServer } from '../../helpers/moto-server';
import { collect, objectStoreContract } from './object-store.contract';

const BUCKET = 'loadout-test';
let moto: MotoServer;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  s3 = motoS3Client(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

/** Each store gets its own prefix, so tests share the bucket and still start empty. */
function freshStore(): S3ObjectStore {
  return new S3ObjectStore({ bucket: BUCKET, prefix: `t/${randomUUID()}`, client: s3 });
}

objectStoreContract('S3ObjectStore', freshStore);

describe('S3ObjectStore', () => {
  test('keys live under the prefix; neighbours of the prefix stay out of sight', async () => {
    const prefix = `p-${randomUUID()}`;
    const store = new S3ObjectStore({ bucket: BUCKET, prefix: `/${prefix}/`, client: s3 });
    expect(store.location).toBe(`s3://${BUCKET}/${prefix}`);
    expect(store.urlOf('staged/t/f.parquet')).toBe(`s3://${BUCKET}/${prefix}/staged/t/f.parquet`);
    await store.write('a', 'inside');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}x/a`, Body: 'neighbour' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/folder/`, Body: '', ContentLength: 0 }));
    expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['a']);
    // startAfter before every key in the prefix must not reach outside it either.
    expect((await collect(store.list('', { startAfter: '0' }))).map((i) => i.key)).toEqual(['a']);
  });

  test('a file written by writeFile is a real multipart object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadout-s3-'));
    try {
      writeFileSync(join(dir, 'f'), Buffer.alloc(12 * 1024 * 1024, 1));
      const store = freshStore();
      await store.writeFile('big', join(dir, 'f'));
      // S3 (and moto) mark multipart ETags with the part count: 12 MB in 5 MB parts is 3.
      expect((await store.head('big'))?.etag).toMatch(/-3$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([1, 3, 1000])('list pages through the keys %i at a time, from startAfter on', async (pageSize) => {
    const store = new S3ObjectStore({ bucket: BUCKET, prefix: `t/${randomUUID()}`, client: s3, pageSize });
    const keys = Array.from({ length: 11 }, (_, i) => `k/${String(i).padStart(3, '0')}`);
    await Promise.all([...keys, 'l/0'].map((k) => store.write(k, k)));
    expect((await collect(store.list('k/'))).map((i) => i.key)).toEqual(keys);
    expect((await collect(store.list('k/', { startAfter: keys[4] }))).map((i) => i.key)).toEqual(keys.slice(5));
    expect((await collect(store.list('', { startAfter: keys[9] }))).map((i) => i.key)).toEqual([keys[10], 'l/0']);
  });

  test('openObjectStore(s3://...) uses AWS_ENDPOINT_URL with path-style addressing', async () => {
    const prefix = `env-${randomUUID()}`;
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/raw/x.json`, Body: 'from the explicit client' }),
    );
    // 'localhost', not an IP: the SDK picks path style for IP endpoints on its own, and only
    // forcePathStyle keeps it from asking for <bucket>.localhost, which does not resolve.
    for (const [name, value] of Object.entries(motoEnv(moto.endpoint.replace('127.0.0.1', 'localhost'))))
      vi.stubEnv(name, value);
    try {
      const store = openObjectStore(`s3://${BUCKET}/${prefix}/`);
      expect(store).toBeInstanceOf(S3ObjectStore);
      expect(store.location).toBe(`s3://${BUCKET}/${prefix}`);
      expect(Buffer.from(await store.readBytes('raw/x.json')).toString()).toBe('from the explicit client');
      await store.writeFile('raw/y.json', new URL(import.meta.url).pathname);
      expect((await collect(store.list('raw/'))).map((i) => i.key)).toEqual(['raw/x.json', 'raw/y.json']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test('the moto harness fails, with the reason, when moto is not installed', async () => {
    await expect(startMoto({ executable: '/nonexistent/.tools/bin/moto_server' })).rejects.toThrow(
      'moto is not installed: /nonexistent/.tools/bin/moto_server is missing; run `node scripts/ensure-tools.mjs`',
    );
  });

  test('a missing bucket is an error, not a missing object', async () => {
    const store = new S3ObjectStore({ bucket: 'no-such-bucket-here', prefix: '', client: s3 });
    await expect(store.readBytes('x')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  test('keys every operation would refuse are reported to onUnprocessable, never yielded', async () => {
    const prefix = `p-${randomUUID()}`;
    const store = new S3ObjectStore({ bucket: BUCKET, prefix, client: s3 });
    for (const key of ['raw/a.json', 'raw/b\\back.json', 'raw/c//double.json', 'raw/d/./dot.json', 'raw/e.json']) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${key}`, Body: 'abc' }));
    }
    const unprocessable: UnprocessableObject[] = [];
    const keys = (await collect(store.list('raw/', { onUnprocessable: (o) => unprocessable.push(o) }))).map(
      (i) => i.key,
    );
    expect(keys).toEqual(['raw/a.json', 'raw/e.json']);
    expect(unprocessable.map((o) => [o.key, o.size])).toEqual([
      ['raw/b\\back.json', 3],
      ['raw/c//double.json', 3],
      ['raw/d/./dot.json', 3],
    ]);
    expect(unprocessable.map((o) => o.reason)).toEqual([
      expect.stringMatching(/backslashes/),
      expect.stringMatching(/empty path segment/),
      expect.stringMatching(/"\." segments/),
    ]);
    expect((await collect(store.list('raw/'))).map((i) => i.key)).toEqual(keys);
  });
});
