/** The ObjectStore port: what the pipeline needs of S3 or a local directory, and nothing more. */
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Key relative to the store's root (never starts with '/'). */
  key: string;
  size: number;
  lastModified: Date;
  /** Entity tag when the backend has one (S3), otherwise derived from size and mtime. */
  etag: string;
}

export interface ListOptions {
  /** List only keys strictly greater than this one (S3 StartAfter semantics). */
  startAfter?: string;
  /**
   * Called, in listing order, for each object under the prefix that no operation could address
   * (a key validateKey refuses, a local name that is not UTF-8). Such objects are never yielded:
   * without this callback they are skipped; with it the caller can quarantine them.
   */
  onUnprocessable?: (object: UnprocessableObject) => void;
}

/** An object the listing found but the pipeline cannot process by key: its name is the fault. */
export interface UnprocessableObject {
  /** The name as listed, for people: bytes that are not UTF-8 appear as \xNN. Not a usable key. */
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
  /** One line: what is wrong with the name. */
  reason: string;
}

export type ObjectBody = Uint8Array | string | Readable;

export interface ObjectStore {
  /** A location string that opens this store again: an absolute directory or s3://bucket/prefix. */
  readonly location: string;
  /** Streams an object's bytes; rejects with ObjectNotFoundError when absent. Consume or destroy the stream (on S3 it holds a connection). */
  read(key: string): Promise<Readable>;
  readBytes(key: string): Promise<Uint8Array>;
  /** Writes (or overwrites) an object whole: readers never see a partial object. */
  write(key: string, body: ObjectBody): Promise<void>;
  /** Uploads a local file as an object (multipart on S3), atomically from a reader's view. */
  writeFile(key: string, localPath: string): Promise<void>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object whose key starts with `prefix` (a plain string prefix, as on S3: 'a' matches 'a.txt'
   * and 'a/b'; '' lists everything), in ascending UTF-8 byte order of keys, as S3 lists them.
   */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /** Copies then deletes; safe to repeat after a crash between the two steps. */
  move(fromKey: string, toKey: string): Promise<void>;
  /** What an external reader (Redshift COPY, DuckDB) opens for the key: s3://bucket/key, or an absolute path for a directory store. */
  urlOf(key: string): string;
}

export class ObjectNotFoundError extends Error {
  constructor(
    readonly location: string,
    readonly key: string,
  ) {
    super(`object not found: ${key} in ${location}`);
    this.name = 'ObjectNotFoundError';
  }
}

export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}
