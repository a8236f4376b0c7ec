/** FsObjectStore: the ObjectStore port over a local directory, the embedded default lake and raw zone. */
import { randomUUID } from 'node:crypto';
import { constants, createWriteStream, type BigIntStats, type Dirent } from 'node:fs';
import {
  copyFile,
  mkdir,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  InvalidKeyError,
  ObjectNotFoundError,
  type ListOptions,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type UnprocessableObject,
} from './object-store';
import { keyFromNameBytes, validateKey, validatePrefix } from './validate-key';

/** Writes land in `<dir>/.loadout-tmp-<uuid>` first; list() never shows such names, keys may not use them. */
const TEMP_PREFIX = '.loadout-tmp-';
const TEMP_PREFIX_BYTES = Buffer.from(TEMP_PREFIX);
const SLASH = Buffer.from('/');

export interface FsObjectStoreOptions {
  /**
   * fsync each file and its directory before a write returns. Off by default: rename alone already
   * keeps readers from seeing partial objects, and everything the pipeline writes can be rebuilt
   * from the raw zone; turn it on when the directory must survive a power cut.
   */
  fsync?: boolean;
}

/**
 * Keys map to files under the root ('a/b.json' -> `<root>/a/b.json`). Unlike S3, a key cannot be
 * both an object and a directory ('a' and 'a/b'). Deleting or moving leaves empty directories
 * behind: removing them would race with concurrent writers creating files in them.
 * The etag is `<size hex>-<mtime ns hex>`: it changes whenever the file is rewritten.
 *
 * Symbolic links: a linked directory is never listed (it could loop, or lead out of the root). A
 * linked file is an object when its target lies inside the root (a layout that links files to
 * deduplicate them keeps working) and is skipped when it leads outside; read() refuses the latter
 * too, so a key from elsewhere (an SQS notification) cannot reach outside the root either.
 */
export class FsObjectStore implements ObjectStore {
  /** The absolute root directory. */
  readonly location: string;
  private readonly fsync: boolean;

  constructor(root: string, options: FsObjectStoreOptions = {}) {
    this.location = resolve(root);
    this.fsync = options.fsync ?? false;
  }

  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    // Open first, so a missing key rejects here rather than as a stream error later.
    const handle = await open(path, 'r').catch((error: unknown) => this.rethrow(error, key));
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ObjectNotFoundError(this.location, key);
      await this.insideRoot(path, key);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle.createReadStream(); // autoClose: the handle closes when the stream ends, fails or is destroyed
  }

  async readBytes(key: string): Promise<Uint8Array> {
    const path = this.pathOf(key);
    const bytes = await readFile(path).catch((error: unknown) => this.rethrow(error, key));
    await this.insideRoot(path, key);
    return bytes;
  }

  async write(key: string, body: ObjectBody): Promise<void> {
    try {
      await this.atomically(this.pathOf(key), async (temp) => {
        if (typeof body === 'string' || body instanceof Uint8Array) await writeFile(temp, body, { flag: 'wx' });
        else await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
      });
    } catch (error) {
      // A body stream never consumed (an invalid key, a failed mkdir) would hold its source open.
      if (body instanceof Readable) body.destroy();
      throw error;
    }
  }

  async writeFile(key: string, localPath: string): Promise<void> {
    // Copy, not rename: the caller still owns its file (and it may live on another device).
    await this.atomically(this.pathOf(key), (temp) => copyFile(localPath, temp, constants.COPYFILE_EXCL));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(this.pathOf(key), { bigint: true }).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    return info?.isFile() ? infoOf(key, info) : undefined;
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    validatePrefix(prefix);
    // Start at the prefix's directory; its last partial segment filters that directory's names.
    const slash = prefix.lastIndexOf('/');
    const startAfter = options.startAfter ? Buffer.from(options.startAfter) : undefined;
    const realRoot = await realpath(this.location).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (realRoot === undefined) return;
    const walk: Walk = { realRoot, startAfter, onUnprocessable: options.onUnprocessable ?? (() => {}) };
    yield* this.walk(walk, Buffer.from(prefix.slice(0, slash + 1)), Buffer.from(prefix.slice(slash + 1)));
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: unknown) => {
      // Missing, or a directory (never an object here): S3 would also succeed.
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return;
      throw error;
    });
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    const from = this.pathOf(fromKey);
    const to = this.pathOf(toKey);
    // rename() would happily move a whole directory: only files are objects.
    if ((await this.head(fromKey)) === undefined) {
      // Already moved by an earlier attempt that crashed before reporting success.
      if ((await this.head(toKey)) !== undefined) return;
      throw new ObjectNotFoundError(this.location, fromKey);
    }
    if (from === to) return;
    await mkdir(dirname(to), { recursive: true });
    try {
      await rename(from, to);
    } catch (error) {
      if (isMissing(error) && (await this.head(toKey)) !== undefined) return; // a concurrent move won
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // A mount point inside the root: copy atomically, then delete.
      await this.atomically(to, (temp) => copyFile(from, temp, constants.COPYFILE_EXCL));
      await this.delete(fromKey);
    }
  }

  /** The absolute filesystem path (not a file:// URL): what DuckDB's readers accept. */
  urlOf(key: string): string {
    return this.pathOf(key);
  }

  private pathOf(key: string): string {
    validateKey(key);
    const segments = key.split('/');
    if (segments.some((s) => s.startsWith(TEMP_PREFIX)))
      throw new InvalidKeyError(key, `"${TEMP_PREFIX}" names are reserved for temporary files`);
    return join(this.location, ...segments);
  }

  /** Fills a temporary file beside `path`, then renames it over `path`: readers see all or nothing. */
  private async atomically(path: string, fill: (temp: string) => Promise<void>): Promise<void> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, TEMP_PREFIX + randomUUID());
    try {
      await fill(temp);
      if (this.fsync) await syncPath(temp, 'r+');
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    if (this.fsync) await syncPath(dir, 'r');
  }

  /**
   * Yields the files under `dir` (a key prefix's bytes ending in '/', or empty) in S3's byte order. A
   * directory sorts as its name plus '/', which is exactly where its keys fall among its siblings',
   * so one sorted readdir per directory suffices and subtrees before startAfter are never opened.
   * Names are read as bytes: a name that is not UTF-8, or that validateKey refuses, is reported to
   * onUnprocessable instead of being yielded as a key that no later read could open.
   */
  private async *walk(walk: Walk, dir: Buffer, namePrefix: Buffer): AsyncGenerator<ObjectInfo> {
    const dirPath = this.pathOfBytes(dir);
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(dirPath, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const children: { order: Buffer; isDir: boolean; stats?: BigIntStats }[] = [];
    for (const entry of entries) {
      if (!startsWith(entry.name, namePrefix) || startsWith(entry.name, TEMP_PREFIX_BYTES)) continue;
      const keyBytes = Buffer.concat([dir, entry.name]);
      let isDir = entry.isDirectory();
      let stats: BigIntStats | undefined;
      if (!isDir && !entry.isFile()) {
        // Symbolic links and file systems that do not report types: ask stat (it follows links).
        const path = this.pathOfBytes(keyBytes);
        stats = await stat(path, { bigint: true }).catch(() => undefined);
        if (stats === undefined) continue;
        // Linked directories are skipped: they could loop, or lead out of the root.
        isDir = stats.isDirectory() && !entry.isSymbolicLink();
        if (!isDir && !stats.isFile()) continue;
        if (isDir) stats = undefined;
        // Linked files are followed only when they stay inside the root (see the class comment).
        else if (entry.isSymbolicLink() && !(await leadsInside(path, walk.realRoot))) continue;
      }
      children.push({ order: isDir ? Buffer.concat([keyBytes, SLASH]) : keyBytes, isDir, stats });
    }
    children.sort((a, b) => Buffer.compare(a.order, b.order));
    const { startAfter } = walk;
    for (const child of children) {
      if (child.isDir) {
        // Every key below starts with `order`; all of them precede startAfter unless it is inside.
        if (startAfter && Buffer.compare(child.order, startAfter) < 0 && !startsWith(startAfter, child.order)) continue;
        yield* this.walk(walk, child.order, Buffer.alloc(0));
      } else {
        if (startAfter && Buffer.compare(child.order, startAfter) <= 0) continue;
        const stats =
          child.stats ?? (await stat(this.pathOfBytes(child.order), { bigint: true }).catch(() => undefined));
        if (!stats?.isFile()) continue; // deleted since readdir
        const named = keyFromNameBytes(child.order);
        if ('key' in named) yield infoOf(named.key, stats);
        else
          walk.onUnprocessable({ ...infoOf(named.shown, stats), reason: named.reason } satisfies UnprocessableObject);
      }
    }
  }

  /** The path of a key's raw bytes (names that are not UTF-8 have no string path). */
  private pathOfBytes(keyBytes: Buffer): Buffer {
    return Buffer.concat([Buffer.from(this.location), SLASH, keyBytes]);
  }

  /** Refuses a path that a symbolic link (the file or a folder on its way) leads out of the root. */
  private async insideRoot(path: string, key: string): Promise<void> {
    const realRoot = await realpath(this.location);
    if (!(await leadsInside(path, realRoot)))
      throw new InvalidKeyError(key, "a symbolic link leads outside the store's root");
  }

  private rethrow(error: unknown, key: string): never {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR')
      throw new ObjectNotFoundError(this.location, key);
    throw error;
  }
}

function infoOf(key: string, stats: BigIntStats): ObjectInfo {
  return {
    key,
    size: Number(stats.size),
    lastModified: new Date(Number(stats.mtimeMs)),
    etag: `${stats.size.toString(16)}-${stats.mtimeNs.toString(16)}`,
  };
}

/** ENOENT, or ENOTDIR when a parent segment is a file: either way there is no such object. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

interface Walk {
  realRoot: string;
  startAfter: Buffer | undefined;
  onUnprocessable: NonNullable<ListOptions['onUnprocessable']>;
}

/** Whether a path's real location (links resolved) is inside the real root; a vanished path is not. */
async function leadsInside(path: string | Buffer, realRoot: string): Promise<boolean> {
  const real = await realpath(path, { encoding: 'buffer' }).catch(() => undefined);
  return real !== undefined && startsWith(real, Buffer.from(realRoot.endsWith(sep) ? realRoot : realRoot + sep));
}

function startsWith(value: Buffer, prefix: Buffer): boolean {
  return value.length >= prefix.length && value.subarray(0, prefix.length).equals(prefix);
}

async function syncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
