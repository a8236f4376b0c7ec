/** openObjectStore: which adapter a location string opens, and the errors that name a bad one. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { FsObjectStore } from '../../../stores/object/fs-store';
import { openObjectStore } from '../../../stores/object/open-object-store';
import { S3ObjectStore } from '../../../stores/object/s3-store';

const base = mkdtempSync(join(tmpdir(), 'loadout-open-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

test('a path opens (and creates) a directory store whose location reopens it', async () => {
  const store = openObjectStore(join(base, 'lake', 'nested'));
  expect(store).toBeInstanceOf(FsObjectStore);
  expect(existsSync(join(base, 'lake', 'nested'))).toBe(true);
  await store.write('k', 'v');
  expect(Buffer.from(await openObjectStore(store.location).readBytes('k')).toString()).toBe('v');
});

test('a file:// URL opens the same directory', async () => {
  const dir = join(base, 'with space');
  const store = openObjectStore(pathToFileURL(dir).href);
  expect(store.location).toBe(dir);
  expect(existsSync(dir)).toBe(true);
});

test.each([
  ['s3://bucket', 's3://bucket', 's3://bucket/k'],
  ['s3://bucket/', 's3://bucket', 's3://bucket/k'],
  ['s3://bucket/raw/2026/', 's3://bucket/raw/2026', 's3://bucket/raw/2026/k'],
])('%s opens an S3 store at %s', (location, expected, url) => {
  const store = openObjectStore(location);
  expect(store).toBeInstanceOf(S3ObjectStore);
  expect(store.location).toBe(expected);
  expect(store.urlOf('k')).toBe(url);
});

test.each([
  ['', /empty/],
  ['s3://', /"" is not a bucket name/],
  ['s3:///prefix', /is not a bucket name/],
  ['s3://b/prefix', /"b" is not a bucket name/],
  ['s3://bucket/../up', /bad S3 location s3:\/\/bucket\/\.\.\/up/],
  ['gs://bucket/x', /unsupported object store location gs:\/\/bucket\/x/],
  ['file://remote-host/share', /bad file URL file:\/\/remote-host\/share/],
])('%j is refused with an error naming it', (location, message) => {
  expect(() => openObjectStore(location)).toThrow(message);
});

test('a path that is a file is refused with an error naming it', () => {
  const file = join(base, 'a-file');
  writeFileSync(file, '');
  expect(() => openObjectStore(file)).toThrow(`cannot use ${file} as an object store directory`);
});
