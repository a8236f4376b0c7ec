/** The ObjectStore contract: one table-driven suite every adapter must pass, against a real backend. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, type ObjectStore } from '../../../stores/object/object-store';

/** Keys S3 and a file system can both hold, in shuffled order; the expected order is byte order. */
const LIST_KEYS = ['b', 'a/c/d', 'a.txt', 'A', 'a/b.c', 'a0', 'é/x', 'a-b', 'a/b', 'z/y/x', 'zz', 'a/c/e'];
const BYTE_ORDER = [...LIST_KEYS].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

/** Keys that try to leave the root or are ambiguous: every operation must refuse them. */
export const BAD_KEYS = [
  '../x',
  '/etc/passwd',
  'a/../../b',
  '..',
  './a',
  'a/./b',
  'a/.',
  'a\\b',
  '..\\x',
  'a\0b',
  '',
  'a//b',
  'a/',
  '/',
];
const BAD_PREFIXES = ['../', '/etc', 'a/../', '..', 'a\\', 'a\0', '//'];

export function objectStoreContract(name: string, makeStore: () => Promise<ObjectStore> | ObjectStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let localDir: string;

    beforeAll(() => {
      localDir = mkdtempSync(join(tmpdir(), 'loadout-contract-'));
    });
    afterAll(() => rmSync(localDir, { recursive: true, force: true }));
    beforeEach(async () => {
      store = await makeStore();
    });

    test.each([
      ['a string', 'héllo, world\n', Buffer.from('héllo, world\n')],
      ['bytes', allByteValues(), allByteValues()],
      [
        'a stream',
        () => Readable.from([Buffer.from('chunk one,'), Buffer.from(' chunk two')]),
        Buffer.from('chunk one, chunk two'),
      ],
      ['an empty body', '', Buffer.alloc(0)],
    ] as const)('write then read %s', async (_, body, expected) => {
      await store.write('dir/obj.bin', typeof body === 'function' ? body() : body);
      expect(Buffer.from(await store.readBytes('dir/obj.bin')).equals(expected)).toBe(true);
      expect((await drain(await store.read('dir/obj.bin'))).equals(expected)).toBe(true);
      const info = await store.head('dir/obj.bin');
      expect(info).toMatchObject({ key: 'dir/obj.bin', size: expected.length });
      expect(info?.etag).not.toBe('');
      expect(Math.abs(info!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    });

    test('writeFile uploads a 12 MB file whole (multipart on S3)', async () => {
      const content = randomBytes(12 * 1024 * 1024);
      const path = join(localDir, 'big.bin');
      writeFileSync(path, content);
      await store.writeFile('big/file.bin', path);
      expect((await store.head('big/file.bin'))?.size).toBe(content.length);
      expect(sha256(await drain(await store.read('big/file.bin')))).toBe(sha256(content));
    });

    test('overwrite replaces the object and its etag', async () => {
      await store.write('k', 'first');
      const before = await store.head('k');
      await store.write('k', 'second, longer');
      expect(Buffer.from(await store.readBytes('k')).toString()).toBe('second, longer');
      expect((await store.head('k'))?.etag).not.toBe(before?.etag);
    });

    test('missing keys: head is undefined, read and readBytes reject with ObjectNotFoundError', async () => {
      await store.write('dir/child', 'x');
      for (const key of ['nothing', 'dir', 'dir/child/deeper']) {
        expect(await store.head(key)).toBeUndefined();
        await expect(store.read(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
        await expect(store.readBytes(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      }
    });

    test('list yields every key in byte order, with sizes', async () => {
      await writeAll(store, LIST_KEYS);
      const listed = await collect(store.list(''));
      expect(listed.map((i) => i.key)).toEqual(BYTE_ORDER);
      for (const info of listed) expect(info.size).toBe(Buffer.byteLength(info.key));
    });

    test.each([
      ['a/', BYTE_ORDER.filter((k) => k.startsWith('a/'))],
      ['a', BYTE_ORDER.filter((k) => k.startsWith('a'))],
      ['a/c/', ['a/c/d', 'a/c/e']],
      ['a/b', ['a/b', 'a/b.c']],
      ['z', ['z/y/x', 'zz']],
      ['é/', ['é/x']],
      ['nothing/', []],
    ])('list(%j) keeps only keys with that prefix', async (prefix, expected) => {
      await writeAll(store, LIST_KEYS);
      expect((await collect(store.list(prefix))).map((i) => i.key)).toEqual(expected);
    });

    test('list with startAfter yields only keys strictly after it, whether or not it exists', async () => {
      await writeAll(store, LIST_KEYS);
      const afters = [...BYTE_ORDER, '', '0', 'a/bb', 'a/c', 'a/c/', 'é', 'zzz'];
      for (const startAfter of afters) {
        const expected = BYTE_ORDER.filter(
          (k) => startAfter === '' || Buffer.compare(Buffer.from(k), Buffer.from(startAfter)) > 0,
        );
        expect(
          (await collect(store.list('', { startAfter }))).map((i) => i.key),
          `startAfter ${startAfter}`,
        ).toEqual(expected);
      }
      expect((await collect(store.list('a/', { startAfter: 'a/b' }))).map((i) => i.key)).toEqual([
        'a/b.c',
        'a/c/d',
        'a/c/e',
      ]);
    });

    test('move is copy-then-delete and safe to repeat', async () => {
      await store.write('staged/t/f.parquet', 'data');
      await store.write('loaded/t/f.parquet', 'stale');
      await store.move('staged/t/f.parquet', 'loaded/t/f.parquet');
      expect(await store.head('staged/t/f.parquet')).toBeUndefined();
      expect(Buffer.from(await store.readBytes('loaded/t/f.parquet')).toString()).toBe('data');
      // A retry after a crash that followed the move: the source is gone, the destination is there.
      await store.move('staged/t/f.parquet', 'loaded/t/f.parquet');
      expect(Buffer.from(await store.readBytes('loaded/t/f.parquet')).toString()).toBe('data');
      await store.move('loaded/t/f.parquet', 'loaded/t/f.parquet');
      expect(Buffer.from(await store.readBytes('loaded/t/f.parquet')).toString()).toBe('data');
      await store.move('loaded/t/f.parquet', 'deep/new/dir/f.parquet');
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['deep/new/dir/f.parquet']);
    });

    test('two workers moving the same key at once both succeed', async () => {
      await store.write('race/src', 'data');
      await Promise.all([store.move('race/src', 'race/dst'), store.move('race/src', 'race/dst')]);
      expect((await collect(store.list('race/'))).map((i) => i.key)).toEqual(['race/dst']);
      expect(Buffer.from(await store.readBytes('race/dst')).toString()).toBe('data');
    });

    test('move of a key that is nowhere rejects with ObjectNotFoundError', async () => {
      await expect(store.move('missing', 'elsewhere')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    test('delete removes the object, and deleting a missing key is fine', async () => {
      await store.write('d/x', 'x');
      await store.delete('d/x');
      expect(await store.head('d/x')).toBeUndefined();
      await store.delete('d/x');
      await store.delete('never/was');
      expect(await collect(store.list(''))).toEqual([]);
    });

    test.each(BAD_KEYS.map((k) => [k]))('key %j is refused by every operation', async (key) => {
      const refused = expect.any(InvalidKeyError) as unknown;
      await expect(store.read(key)).rejects.toEqual(refused);
      await expect(store.readBytes(key)).rejects.toEqual(refused);
      await expect(store.write(key, 'x')).rejects.toEqual(refused);
      await expect(store.writeFile(key, join(localDir, 'missing'))).rejects.toEqual(refused);
      await expect(store.head(key)).rejects.toEqual(refused);
      await expect(store.delete(key)).rejects.toEqual(refused);
      await store.write('good', 'x');
      await expect(store.move('good', key)).rejects.toEqual(refused);
      await expect(store.move(key, 'good2')).rejects.toEqual(refused);
      expect(() => store.urlOf(key)).toThrow(InvalidKeyError);
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['good']);
    });

    test.each(BAD_PREFIXES.map((p) => [p]))('list prefix %j is refused', async (prefix) => {
      await expect(collect(store.list(prefix))).rejects.toBeInstanceOf(InvalidKeyError);
    });

    test('a reader sees the old object whole until a slow write completes, then the new one', async () => {
      const old = Buffer.alloc(256 * 1024, 'o');
      await store.write('atomic', old);
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const slow = Readable.from(
        (async function* () {
          yield Buffer.alloc(128 * 1024, 'n');
          await gate; // the write is half done here
          yield Buffer.alloc(128 * 1024, 'n');
        })(),
      );
      const writing = store.write('atomic', slow);
      await new Promise((r) => setTimeout(r, 200));
      expect(Buffer.from(await store.readBytes('atomic')).equals(old)).toBe(true);
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['atomic']);
      release();
      await writing;
      expect(Buffer.from(await store.readBytes('atomic')).equals(Buffer.alloc(256 * 1024, 'n'))).toBe(true);
    });

    test('a write whose stream fails leaves the old object and no stray object', async () => {
      await store.write('kept', 'old');
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from('partial');
          throw new Error('source broke');
        })(),
      );
      await expect(store.write('kept', failing)).rejects.toThrow('source broke');
      expect(Buffer.from(await store.readBytes('kept')).toString()).toBe('old');
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['kept']);
    });

    test('many writes, including concurrent ones, list exactly the written keys', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `batch/${String(i).padStart(3, '0')}.json`);
      await Promise.all([...keys, ...keys].map((key, i) => store.write(key, `${i}`)));
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(keys);
    });
  });
}

async function writeAll(store: ObjectStore, keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => store.write(key, key)));
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function allByteValues(): Uint8Array {
  return Uint8Array.from({ length: 512 }, (_, i) => i % 256);
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
