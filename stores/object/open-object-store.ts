/** Opens the ObjectStore a location string names: s3://bucket/prefix, a directory, or a file:// URL. */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FsObjectStore } from './fs-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-store';
import { validatePrefix } from './validate-key';

/** Legacy bucket names allow capitals and '_': leave the finer rules to S3 (or MinIO...). */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;

/** Opens (for a directory: creates if missing) the store at `location`; throws naming it when it is unusable. */
export function openObjectStore(location: string): ObjectStore {
  if (typeof location !== 'string' || location.trim() === '') throw new Error('object store location is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === 's3') return openS3(location);
  if (scheme === 'file') return openDirectory(location, fileUrlPath(location));
  if (scheme !== undefined)
    throw new Error(
      `unsupported object store location ${location}: use s3://bucket/prefix, a directory or a file:// URL`,
    );
  return openDirectory(location, location);
}

function openS3(location: string): ObjectStore {
  const rest = location.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET.test(bucket)) throw new Error(`bad S3 location ${location}: "${bucket}" is not a bucket name`);
  try {
    validatePrefix(prefix);
  } catch (error) {
    throw new Error(`bad S3 location ${location}: ${(error as Error).message}`);
  }
  return new S3ObjectStore({ bucket, prefix });
}

function fileUrlPath(location: string): string {
  try {
    return fileURLToPath(location);
  } catch (error) {
    throw new Error(`bad file URL ${location}: ${(error as Error).message}`);
  }
}

function openDirectory(location: string, path: string): ObjectStore {
  try {
    // Throws EEXIST when the path is a file, EACCES when it cannot be made.
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new Error(`cannot use ${location} as an object store directory: ${(error as Error).message}`);
  }
  return new FsObjectStore(path);
}
