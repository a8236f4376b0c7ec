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
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new InvalidKeyError(original, 'control characters (NUL, newline, ...) are not allowed');
  if (path.includes('\\')) throw new InvalidKeyError(original, 'backslashes are not allowed');
  for (const segment of path.split('/')) {
    if (segment === '') throw new InvalidKeyError(original, 'empty path segment');
    if (segment === '.' || segment === '..') throw new InvalidKeyError(original, `"${segment}" segments are not allowed`);
  }
}
