/** Key and prefix rules shared by every ObjectStore adapter, so no key can escape a store's root. */
import { InvalidKeyError } from './object-store';

/**
 * Checks a key: '/'-separated relative segments, none empty, '.' or '..'; no backslash (a separator
 * on Windows and a trap in logs), no NUL or other control characters. The same rules on S3 keep keys
 * portable between the local lake and a bucket. Returns the key, to be used inline.
 */
export function validateKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(String(key), 'empty');
  checkPath(key, key);
  return key;
}

/**
 * Checks a listing prefix: '' (everything) or a key-like string that may end with '/'. Only the
 * complete segments are checked strictly: 'staged/ord' is a valid prefix of 'staged/orders/x'.
 */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new InvalidKeyError(String(prefix), 'prefix is not a string');
  if (prefix === '') return prefix;
  checkPath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix, prefix);
  return prefix;
}

function checkPath(path: string, original: string): void {
  if (path.startsWith('/')) throw new InvalidKeyError(original, 'absolute keys are not allowed');
  if (/[\u0000-\u001f\u007f]/.test(path))
    throw new InvalidKeyError(original, 'control characters (NUL, newline, ...) are not allowed');
  if (path.includes('\\')) throw new InvalidKeyError(original, 'backslashes are not allowed');
  for (const segment of path.split('/')) {
    if (segment === '') throw new InvalidKeyError(original, 'empty path segment');
    if (segment === '.' || segment === '..')
      throw new InvalidKeyError(original, `"${segment}" segments are not allowed`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A key from a local name's bytes, or why there is none: names that are not UTF-8 (any byte
 * sequence is a legal Linux name) or that validateKey refuses. `shown` is the name for people,
 * with undecodable bytes as \xNN (one line, never a key).
 */
export function keyFromNameBytes(bytes: Uint8Array): { key: string } | { shown: string; reason: string } {
  let key: string;
  try {
    key = utf8.decode(bytes);
  } catch {
    const shown = showBytes(bytes);
    return {
      shown,
      reason: `invalid object key ${JSON.stringify(shown)}: the name is not valid UTF-8 (undecodable bytes shown as \\xNN)`,
    };
  }
  try {
    return { key: validateKey(key) };
  } catch (error) {
    if (!(error instanceof InvalidKeyError)) throw error;
    return { shown: key, reason: error.message };
  }
}

/** Decodes what is UTF-8, one sequence at a time, and writes every other byte as \xNN. */
function showBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    let length = 0;
    for (let n = 1; n <= 4 && i + n <= bytes.length && length === 0; n++) {
      try {
        out += utf8.decode(bytes.subarray(i, i + n));
        length = n;
      } catch {
        /* not a complete sequence of n bytes */
      }
    }
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      length = 1;
    }
    i += length;
  }
  return out;
}
