/** Streams a raw object's lines: gzip or plain, UTF-8 with or without BOM, LF or CRLF. */
import { isAscii, isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UnreadableObjectError } from './errors';

export interface LineStats {
  /** Bytes read from the store (compressed size for gzip). */
  bytesIn: number;
  /** Bytes after decompression. */
  bytesDecoded: number;
  lines: number;
}

export interface ReadLinesOptions {
  /** A longer line is reported to `onOverlong` and skipped, so one runaway line cannot exhaust memory. */
  maxLineLength?: number;
  onOverlong?: (lineNumber: number, length: number, head: string) => void;
  /** Called after each decoded chunk, e.g. to heartbeat. */
  onChunk?: (stats: LineStats) => void | Promise<void>;
}

const DEFAULT_MAX_LINE = 16 * 1024 * 1024;
const DECODE_SLICE = 16 * 1024;

/**
 * Calls `onLine` for every non-blank line with its 1-based number. Gzip is recognised by its
 * magic bytes, not the object's name, since agents do not always name files by their content.
 */
export async function readLines(
  source: string,
  input: Readable,
  onLine: (text: string, lineNumber: number) => void,
  options: ReadLinesOptions = {},
): Promise<LineStats> {
  const maxLine = options.maxLineLength ?? DEFAULT_MAX_LINE;
  const stats: LineStats = { bytesIn: 0, bytesDecoded: 0, lines: 0 };
  const decoder = new Utf8Chunks();
  let carry = '';
  let skipping = false; // inside an overlong line, until its end
  let overlongLength = 0;

  const consume = (text: string) => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      stats.lines++;
      if (skipping) {
        skipping = false;
        options.onOverlong?.(stats.lines, overlongLength + nl - start, '');
        carry = '';
      } else {
        const line = carry.length > 0 ? carry + text.slice(start, nl) : text.slice(start, nl);
        carry = '';
        emit(line, stats.lines);
      }
      start = nl + 1;
    }
    if (start < text.length) {
      if (skipping) overlongLength += text.length - start;
      else {
        carry += text.slice(start);
        if (carry.length > maxLine) {
          skipping = true;
          overlongLength = carry.length;
          carry = '';
        }
      }
    }
  };

  const emit = (raw: string, lineNumber: number) => {
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.length > maxLine) {
      options.onOverlong?.(lineNumber, line.length, line.slice(0, 200));
      return;
    }
    if (isBlank(line)) return;
    onLine(line, lineNumber);
  };

  for await (const chunk of decompressed(source, input, stats)) {
    // On the bytes, where it is a memchr, rather than on the decoded text.
    if (chunk.indexOf(0) >= 0) throw new UnreadableObjectError(source, `not text: NUL byte near decoded byte ${stats.bytesDecoded + chunk.indexOf(0)}`);
    // Decoded a slice at a time: V8 puts a string of over 128 KB in its large-object space, and
    // making one measured 4-8 times the cost per byte of 16 KB strings (docs/benchmarks.md).
    for (let at = 0; at < chunk.length; at += DECODE_SLICE) {
      const slice = chunk.subarray(at, at + DECODE_SLICE);
      const text = decoder.decode(slice);
      if (text === undefined) throw new UnreadableObjectError(source, `not UTF-8 text near decoded byte ${stats.bytesDecoded}`);
      stats.bytesDecoded += slice.length;
      consume(text);
    }
    await options.onChunk?.(stats);
  }
  if (decoder.pendingBytes > 0) throw new UnreadableObjectError(source, 'not UTF-8 text: truncated multi-byte character at the end');
  if (skipping) {
    stats.lines++;
    options.onOverlong?.(stats.lines, overlongLength, '');
  } else if (carry.length > 0) {
    stats.lines++;
    emit(carry, stats.lines);
  }
  return stats;
}

/**
 * Strict streaming UTF-8 decoding (as TextDecoder with `fatal`, BOM dropped at the start), with
 * an ASCII chunk (most of them) copied as a one-byte string: isAscii (simdutf) plus a Latin-1
 * copy measured about half of TextDecoder's time per byte (docs/benchmarks.md).
 */
class Utf8Chunks {
  private pending: Buffer | undefined;
  private atStart = true;

  get pendingBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** The text of the complete characters so far; a character cut at the chunk's end waits for the next. Undefined when not UTF-8. */
  decode(chunk: Buffer): string | undefined {
    let bytes = chunk;
    if (this.pending !== undefined) {
      bytes = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let text: string;
    if (isAscii(bytes)) text = bytes.toString('latin1');
    else {
      const end = completeCharsEnd(bytes);
      const whole = end === bytes.length ? bytes : bytes.subarray(0, end);
      if (!isUtf8(whole)) return undefined;
      if (end < bytes.length) this.pending = Buffer.from(bytes.subarray(end));
      text = whole.toString('utf8');
    }
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

/**
 * Where the last character starts when the bytes end inside a valid beginning of one, else the
 * end: a sequence already invalid is left in, so isUtf8 refuses this chunk as TextDecoder would.
 */
function completeCharsEnd(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const lead = bytes[n - back]!;
    if ((lead & 0xc0) === 0x80) continue; // a continuation byte: the character starts further back
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 1;
    if (length <= back) return n;
    if (back >= 2) {
      // The second byte's range narrows for these leads (no overlongs, surrogates or > U+10FFFF).
      const second = bytes[n - back + 1]!;
      const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      if (second < low || second > high) return n;
    }
    return n - back;
  }
  return n;
}

async function* decompressed(source: string, input: Readable, stats: LineStats): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = await iterator.next();
  while (!head.done && head.value.length < 2) {
    // A 1-byte first chunk cannot show the gzip magic; join it with the next.
    const next = await iterator.next();
    if (next.done) break;
    head = { done: false, value: Buffer.concat([head.value, next.value]) };
  }
  if (head.done) return;
  const first = head.value;
  const rest = async function* () {
    stats.bytesIn += first.length;
    yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      stats.bytesIn += next.value.length;
      yield next.value;
    }
  };
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    yield* rest();
    return;
  }
  // Large output chunks: the default 16 KB means a callback per 16 KB, which showed in profiles.
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  // A failing read (network, store) stays a plain, retryable error; only zlib's own is corruption.
  let inputError: unknown;
  const feed = (async () => {
    try {
      for await (const chunk of rest()) {
        if (!gunzip.write(chunk)) await new Promise<void>((resolve) => gunzip.once('drain', resolve));
      }
      gunzip.end();
    } catch (error) {
      inputError = error;
      gunzip.destroy(error as Error);
    }
  })();
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (inputError !== undefined) throw inputError;
    throw new UnreadableObjectError(source, `corrupt gzip: ${(error as Error).message}`);
  } finally {
    gunzip.destroy();
    await feed;
  }
}

/** Whitespace only, without trim()'s copy of every line. */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12 && c !== 0xfeff && c !== 0xa0) return false;
  }
  return true;
}
