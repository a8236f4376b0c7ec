/** FsObjectStore against real temporary directories: the contract, plus what only a file system can break. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { FsObjectStore } from '../../../stores/object/fs-store';
import { InvalidKeyError, ObjectNotFoundError, type UnprocessableObject } from '../../../stores/object/object-store';
import { BAD_KEYS, collect, objectStoreContract } from './object-store.contract';

const base = mkdtempSync(join(tmpdir(), 'loadout-fs-store-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
/** Each store sits in base/<n>/root, so base/<n> shows anything that escaped the root. */
function freshStore(): FsObjectStore {
  const root = join(base, String(++n), 'root');
  mkdirSync(root, { recursive: true });
  return new FsObjectStore(root);
}

objectStoreContract('FsObjectStore', freshStore);
objectStoreContract('FsObjectStore with fsync', () => new FsObjectStore(freshStore().location, { fsync: true }));

describe('FsObjectStore', () => {
  test('location is the absolute root and urlOf the absolute path DuckDB can open', async () => {
    const store = new FsObjectStore(join(base, 'relative-check', '..', 'abs'));
    expect(store.location).toBe(join(base, 'abs'));
    await store.write('t/x.json', '{}');
    const url = store.urlOf('t/x.json');
    expect(isAbsolute(url)).toBe(true);
    expect(readFileSync(url, 'utf8')).toBe('{}');
  });

  test('escape attempts create nothing outside the root, nor inside it', async () => {
    const store = freshStore();
    const parent = join(store.location, '..');
    for (const key of BAD_KEYS) {
      await expect(store.write(key, 'escaped')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.move(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    }
    expect(readdirSync(parent)).toEqual(['root']);
    expect(readdirSync(store.location)).toEqual([]);
  });

  test('no temporary file is left or listed after writes, and a crashed one stays hidden', async () => {
    const store = freshStore();
    const big = join(base, 'source.bin');
    writeFileSync(big, Buffer.alloc(1024 * 1024, 7));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write(`d/${i % 4}`, `v${i}`)));
    await store.writeFile('d/big', big);
    expect(readdirSync(join(store.location, 'd')).sort()).toEqual(['0', '1', '2', '3', 'big']);
    // What a crash mid-write leaves behind: never an object, and its name is not a usable key.
    writeFileSync(join(store.location, 'd', '.loadout-tmp-0000'), 'half');
    expect((await collect(store.list('d/'))).map((i) => i.key)).toEqual(['d/0', 'd/1', 'd/2', 'd/3', 'd/big']);
    await expect(store.read('d/.loadout-tmp-0000')).rejects.toBeInstanceOf(InvalidKeyError);
  });

  test('a missing root lists nothing and is created by the first write', async () => {
    const store = new FsObjectStore(join(base, 'not-yet', 'there'));
    expect(await collect(store.list(''))).toEqual([]);
    await store.write('a/b', 'x');
    expect(existsSync(join(base, 'not-yet', 'there', 'a', 'b'))).toBe(true);
  });

  test('a key whose parent is a file is missing, not an error', async () => {
    const store = freshStore();
    await store.write('file', 'x');
    expect(await store.head('file/child')).toBeUndefined();
    await expect(store.read('file/child')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await store.delete('file/child');
  });

  test('move never moves a directory', async () => {
    const store = freshStore();
    await store.write('dir/inside', 'x');
    await expect(store.move('dir', 'elsewhere')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['dir/inside']);
  });

  test('etag follows size and mtime', async () => {
    const store = freshStore();
    await store.write('e', 'abc');
    const info = await store.head('e');
    expect(info?.etag).toMatch(/^3-[0-9a-f]+$/);
    expect((await collect(store.list('')))[0]).toEqual(info);
  });

  test('lists a wide and deep tree in byte order', async () => {
    const store = freshStore();
    const keys: string[] = [];
    for (let d = 0; d < 30; d++) for (let f = 0; f < 30; f++) keys.push(`raw/${d % 3}/${d}/${f}.json.gz`);
    for (const key of keys) {
      mkdirSync(join(store.location, key, '..'), { recursive: true });
      writeFileSync(join(store.location, key), '');
    }
    keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect((await collect(store.list('raw/'))).map((i) => i.key)).toEqual(keys);
    expect((await collect(store.list('', { startAfter: keys[449] }))).map((i) => i.key)).toEqual(keys.slice(450));
  });
});

/** Writes a file under the root by raw path bytes (names that are not UTF-8 have no string form). */
function writeRaw(root: string, relative: Buffer, body = '{}'): void {
  const path = Buffer.concat([Buffer.from(`${root}/`), relative]);
  mkdirSync(Buffer.concat([Buffer.from(`${root}/`), relative.subarray(0, relative.lastIndexOf(0x2f) + 1)]), {
    recursive: true,
  });
  writeFileSync(path, body);
}

describe('FsObjectStore listing: names no key can address', () => {
  test('are reported with a reason, in byte order, never yielded, and never throw', async () => {
    const store = freshStore();
    for (const key of ['raw/a.json', 'raw/m.json', 'raw/z/ok.json']) writeRaw(store.location, Buffer.from(key));
    writeRaw(store.location, Buffer.from('raw/b\nnewline.json'));
    writeRaw(store.location, Buffer.from('raw/c\\backslash.json'));
    writeRaw(store.location, Buffer.from([...Buffer.from('raw/d'), 0xff, ...Buffer.from('.json')]), 'seven b');
    writeRaw(store.location, Buffer.from([...Buffer.from('raw/e'), 0xc3, 0x28, ...Buffer.from('/inside.json')])); // a folder not UTF-8
    const unprocessable: UnprocessableObject[] = [];
    const keys = (await collect(store.list('raw/', { onUnprocessable: (o) => unprocessable.push(o) }))).map(
      (i) => i.key,
    );
    expect(keys).toEqual(['raw/a.json', 'raw/m.json', 'raw/z/ok.json']);
    expect(unprocessable.map((o) => o.key)).toEqual([
      'raw/b\nnewline.json',
      'raw/c\\backslash.json',
      'raw/d\\xff.json',
      'raw/e\\xc3(/inside.json',
    ]);
    expect(unprocessable.map((o) => o.reason)).toEqual([
      expect.stringMatching(/control characters/),
      expect.stringMatching(/backslashes/),
      expect.stringMatching(/not valid UTF-8/),
      expect.stringMatching(/not valid UTF-8/),
    ]);
    expect(unprocessable[2]).toMatchObject({ size: 7, etag: expect.stringMatching(/^7-/) });
    for (const o of unprocessable) expect(o.reason).not.toContain('\n');
    // Without a callback they are skipped; startAfter applies to them as to every name.
    expect((await collect(store.list('raw/'))).map((i) => i.key)).toEqual(keys);
    const after: string[] = [];
    await collect(store.list('raw/', { startAfter: 'raw/c', onUnprocessable: (o) => after.push(o.key) }));
    expect(after).toEqual(['raw/c\\backslash.json', 'raw/d\\xff.json', 'raw/e\\xc3(/inside.json']);
  });
});

describe('FsObjectStore and symbolic links', () => {
  test('a linked file inside the root is an object; one leading outside is not listed and not read', async () => {
    const store = freshStore();
    const outside = join(store.location, '..', 'secret.json');
    writeFileSync(outside, '{"secret":true}');
    await store.write('raw/real.json', '{"inside":true}');
    symlinkSync(join(store.location, 'raw', 'real.json'), join(store.location, 'raw', 'link-inside.json'));
    symlinkSync(outside, join(store.location, 'raw', 'link-outside.json'));
    symlinkSync('../../secret.json', join(store.location, 'raw', 'relative-outside.json'));
    mkdirSync(join(store.location, '..', 'elsewhere'));
    writeFileSync(join(store.location, '..', 'elsewhere', 'x.json'), '{}');
    symlinkSync(join(store.location, '..', 'elsewhere'), join(store.location, 'raw', 'linked-folder'));
    const unprocessable: UnprocessableObject[] = [];
    const keys = (await collect(store.list('', { onUnprocessable: (o) => unprocessable.push(o) }))).map((i) => i.key);
    expect(keys).toEqual(['raw/link-inside.json', 'raw/real.json']);
    expect(unprocessable).toEqual([]);
    expect(Buffer.from(await store.readBytes('raw/link-inside.json')).toString()).toBe('{"inside":true}');
    for (const key of ['raw/link-outside.json', 'raw/relative-outside.json', 'raw/linked-folder/x.json']) {
      await expect(store.read(key)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(store.readBytes(key)).rejects.toBeInstanceOf(InvalidKeyError);
    }
  });
});

describe('FsObjectStore closes what it opens', () => {
  const openFiles = () => readdirSync('/proc/self/fd').length;

  test('read() refusals (a folder, a link outside) and a destroyed stream leave no descriptor open', async () => {
    const store = freshStore();
    await store.write('raw/dir/x.json', 'x'.repeat(1 << 20));
    writeFileSync(join(store.location, '..', 'out.json'), '{}');
    symlinkSync(join(store.location, '..', 'out.json'), join(store.location, 'raw', 'out.json'));
    const before = openFiles();
    for (let i = 0; i < 20; i++) {
      await expect(store.read('raw/dir')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.read('raw/out.json')).rejects.toBeInstanceOf(InvalidKeyError);
      const stream = await store.read('raw/dir/x.json');
      await new Promise<void>((resolve) => stream.once('readable', () => resolve()));
      stream.destroy();
      await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    }
    expect(openFiles()).toBe(before);
  });

  test('a stream body for a write that fails before reading it is destroyed', async () => {
    const store = freshStore();
    for (const key of ['../escape', 'a\nb']) {
      const body = Readable.from(['never read']);
      await expect(store.write(key, body)).rejects.toBeInstanceOf(InvalidKeyError);
      expect(body.destroyed).toBe(true);
    }
    writeFileSync(join(store.location, 'file'), '');
    const body = Readable.from(['never read']);
    await expect(store.write('file/below', body)).rejects.toThrow(); // a parent that is a file: mkdir fails
    expect(body.destroyed).toBe(true);
  });
});
