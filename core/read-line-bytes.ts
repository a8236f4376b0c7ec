/** Streams a raw object's lines as byte ranges: gzip or plain, UTF-8 with or without BOM, LF or CRLF. */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { decompressedChunks } from './decompressed-chunks';
import { LineSplitter, type ByteLineHandler } from './line-splitter';
import { Utf8ChunkCheck } from './utf8-chunk-check';

export interface LineStats {
  /** Bytes read from the store (compressed size for gzip). */
  bytesIn: number;
  /** Bytes after decompression. */
  bytesDecoded: number;
  lines: number;
}

export interface ReadLinesOptions {
  /**
   * A line of more UTF-8 bytes than this (its \r\n or \n not counted) is reported to `onOverlong`
   * and skipped, so one runaway line cannot exhaust memory. Bytes, not characters.
   */
  maxLineLength?: number;
  /** `length` in bytes; `head` is the line's first 200 bytes or fewer, cut at a character's start. */
  onOverlong?: (lineNumber: number, length: number, head: string) => void;
  /**
   * A line that is not UTF-8 or holds a NUL byte: reported here and skipped, so it costs only
   * itself. `head` is its first bytes as text, invalid sequences replaced (U+FFFD), NULs as \u0000.
   */
  onInvalidLine?: (lineNumber: number, reason: string, head: string) => void;
  /** Called after each decompressed chunk, e.g. to heartbeat. */
  onChunk?: (stats: LineStats) => void | Promise<void>;
}

/** The default `maxLineLength`: 16 MiB. */
export const DEFAULT_MAX_LINE = 16 * 1024 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Bytes of an invalid line kept for its reject. */
const INVALID_HEAD = 2048;

/**
 * Calls `onLine` for every non-blank line with its 1-based number. `bytes[start, end)` is exactly
 * the line's UTF-8 (validated; no BOM, \r or \n), valid only during the call: it is a range of a
 * decompressed chunk, or of a buffer reused for lines cut by a chunk's end.
 *
 * Whole chunks are validated at once (simdutf, microseconds per chunk). Only when a chunk holds a
 * NUL byte or is not UTF-8 are its lines, and every later line of the object, checked one by one,
 * so a bad byte costs its line (`onInvalidLine`) and the rest of the object is read.
 * Throws UnreadableObjectError for corrupt gzip and formats Loadout does not read.
 */
export async function readLineBytes(
  source: string,
  input: Readable,
  onLine: ByteLineHandler,
  options: ReadLinesOptions = {},
): Promise<LineStats> {
  const stats: LineStats = { bytesIn: 0, bytesDecoded: 0, lines: 0 };
  const check = new Utf8ChunkCheck();
  const onInvalid = options.onInvalidLine;
  const checkedLine: ByteLineHandler = (bytes, start, end, n) => {
    const line = bytes.subarray(start, end);
    const nul = line.indexOf(0);
    if (nul < 0 && isUtf8(line)) return onLine(bytes, start, end, n);
    onInvalid?.(n, nul >= 0 ? `a NUL byte at byte ${nul + 1} of the line` : 'not UTF-8 text', headOf(line));
  };
  // Lines go straight to onLine until a chunk fails the check; from then on, each through checkedLine.
  const splitter = new LineSplitter(onLine, options.maxLineLength ?? DEFAULT_MAX_LINE, options.onOverlong);
  const checkEachLine = () => {
    splitter.onLine = checkedLine;
  };
  // The object's first bytes until they show whether it starts with a BOM (one-byte chunks).
  let start: Buffer | undefined = Buffer.alloc(0);

  for await (const decompressed of decompressedChunks(source, input, stats)) {
    stats.bytesDecoded += decompressed.length;
    let chunk = decompressed;
    if (start !== undefined) {
      const head: Buffer = start.length === 0 ? chunk : Buffer.concat([start, chunk]);
      if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) start = head;
      else {
        start = undefined;
        chunk = head.subarray(0, BOM.length).equals(BOM) ? head.subarray(BOM.length) : head;
      }
    }
    if (start === undefined) {
      if (splitter.onLine === onLine && (chunk.indexOf(0) >= 0 || !check.check(chunk))) checkEachLine();
      splitter.push(chunk);
      stats.lines = splitter.lines;
    }
    await options.onChunk?.(stats);
  }
  // A character cut off at the end (or a BOM's first bytes alone): the last line is checked whole.
  if (check.pendingBytes > 0) checkEachLine();
  if (start !== undefined && start.length > 0) {
    checkEachLine();
    splitter.push(start);
  }
  splitter.finish();
  stats.lines = splitter.lines;
  return stats;
}

function headOf(line: Buffer): string {
  return line.subarray(0, INVALID_HEAD).toString('utf8').replaceAll('\0', '\\u0000');
}
