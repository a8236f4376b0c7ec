/** S3ObjectStore: the ObjectStore port over a bucket and prefix on S3 or any S3-compatible server. */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  InvalidKeyError,
  ObjectNotFoundError,
  type ListOptions,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
} from './object-store';
import { validateKey, validatePrefix } from './validate-key';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Keys are relative to this prefix ('' for the whole bucket); leading and trailing '/' are ignored. */
  prefix: string;
  /** Defaults to defaultS3Client(): the SDK's credential chain and AWS_ENDPOINT_URL. */
  client?: S3Client;
  /** Keys per ListObjectsV2 page; S3's maximum (1000) unless a test wants to see pages turn. */
  pageSize?: number;
}

/**
 * The SDK's own chains (credentials, region, AWS_ENDPOINT_URL) configure the client. With an endpoint
 * override we are talking to MinIO, moto, Ceph...: bucket-in-hostname addressing would need wildcard
 * DNS there, so use path style, and only send checksums the operation requires, since several such
 * servers reject the SDK's default CRC32 trailers.
 */
export function defaultS3Client(): S3Client {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL;
  if (!endpoint) return new S3Client({});
  return new S3Client({
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Writes are atomic on S3 itself (an object appears when PutObject or CompleteMultipartUpload
 * succeeds). The etag is S3's, without its quotes. list() skips zero-byte "folder/" markers that
 * consoles create: they are not data and no valid key ends with '/'.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly bucket: string;
  /** '' or the prefix followed by '/'. */
  private readonly root: string;
  private readonly client: S3Client;
  private readonly pageSize: number | undefined;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    const prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    if (prefix !== '') validatePrefix(prefix);
    this.root = prefix === '' ? '' : `${prefix}/`;
    this.location = prefix === '' ? `s3://${this.bucket}` : `s3://${this.bucket}/${prefix}`;
    this.client = options.client ?? defaultS3Client();
    this.pageSize = options.pageSize;
  }

  async read(key: string): Promise<Readable> {
    const response = await this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }))
      .catch((error: unknown) => this.rethrow(error, key));
    // In Node the body is an http.IncomingMessage: a Readable (with the SDK's helpers mixed in).
    return response.Body as Readable;
  }

  async readBytes(key: string): Promise<Uint8Array> {
    const response = await this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }))
      .catch((error: unknown) => this.rethrow(error, key));
    if (!response.Body) return new Uint8Array();
    return response.Body.transformToByteArray();
  }

  async write(key: string, body: ObjectBody): Promise<void> {
    const Key = this.fullKey(key);
    if (typeof body === 'string' || body instanceof Uint8Array) {
      // An explicit length: the SDK leaves the header out for empty bodies and then warns about streams.
      const ContentLength = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength }));
      return;
    }
    // A stream has no known length: Upload buffers it into parts (one PutObject when small).
    await new Upload({ client: this.client, params: { Bucket: this.bucket, Key, Body: body } }).done();
  }

  async writeFile(key: string, localPath: string): Promise<void> {
    const Key = this.fullKey(key);
    // Multipart above 5 MB (parts in parallel); an upload that fails is aborted, leaving nothing.
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: createReadStream(localPath) },
    }).done();
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
      return { key, size: r.ContentLength ?? 0, lastModified: r.LastModified ?? new Date(0), etag: unquote(r.ETag) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    const Prefix = this.root + prefix;
    // StartAfter is a full key; one before the root would only list keys outside it, which Prefix drops.
    let StartAfter = options.startAfter ? this.root + options.startAfter : undefined;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: Prefix || undefined,
          StartAfter,
          ContinuationToken,
          MaxKeys: this.pageSize,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.Key.endsWith('/')) continue;
        const info = {
          key: object.Key.slice(this.root.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
          etag: unquote(object.ETag),
        };
        // Legal in S3, refused by every operation here ('a//b', 'a\\b', control characters): report, never yield.
        const refusal = refusalOf(info.key);
        if (refusal === undefined) yield info;
        else options.onUnprocessable?.({ ...info, reason: refusal });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      StartAfter = undefined; // the token carries the position from now on
    } while (ContinuationToken);
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
  }

  /** CopyObject then DeleteObject (CopyObject's limit: 5 GB, far above a staged file). */
  async move(fromKey: string, toKey: string): Promise<void> {
    const from = this.fullKey(fromKey);
    const to = this.fullKey(toKey);
    if (from === to) {
      if ((await this.head(fromKey)) === undefined) throw new ObjectNotFoundError(this.location, fromKey);
      return;
    }
    try {
      const CopySource = `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // The source is gone: an earlier attempt copied and deleted, then crashed before reporting.
      if ((await this.head(toKey)) !== undefined) return;
      throw new ObjectNotFoundError(this.location, fromKey);
    }
    await this.delete(fromKey);
  }

  urlOf(key: string): string {
    return `s3://${this.bucket}/${this.fullKey(key)}`;
  }

  private fullKey(key: string): string {
    return this.root + validateKey(key);
  }

  private rethrow(error: unknown, key: string): never {
    if (isNotFound(error)) throw new ObjectNotFoundError(this.location, key);
    throw error;
  }
}

/** A missing key (NoSuchKey; HEAD's bodiless 404 is NotFound), but never a missing bucket. */
function isNotFound(error: unknown): boolean {
  // Duck-typed: two copies of the SDK in node_modules would defeat instanceof S3ServiceException.
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}

/** Why validateKey refuses a key, or undefined when it is fine. */
function refusalOf(key: string): string | undefined {
  try {
    validateKey(key);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidKeyError) return error.message;
    throw error;
  }
}
