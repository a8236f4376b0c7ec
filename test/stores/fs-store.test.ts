/** FsObjectStore against real temporary directories: the contract, plus what only a file system can break. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FsObjectStore } from '../../stores/object/fs-store';
import { InvalidKeyError, ObjectNotFoundError } from '../../stores/object/object-store';
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
