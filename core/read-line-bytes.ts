/** Streams a raw object's lines as byte ranges: gzip or plain, UTF-8 with or without BOM, LF or CRLF. */
import type { Readable } from 'node:stream';
import { decompressedChunks } from './decompressed-chunks';
import { UnreadableObjectError } from './errors';
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
  /** Called after each decompressed chunk, e.g. to heartbeat. */
  onChunk?: (stats: LineStats) => void | Promise<void>;
}

/** The default `maxLineLength`: 16 MiB. */
export const DEFAULT_MAX_LINE = 16 * 1024 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Calls `onLine` for every non-blank line with its 1-based number. `bytes[start, end)` is exactly
 * the line's UTF-8 (validated; no BOM, \r or \n), valid only during the call: it is a range of a
 * decompressed chunk, or of a buffer reused for lines cut by a chunk's end.
 * Throws UnreadableObjectError for corrupt gzip, a NUL byte, or bytes that are not UTF-8.
 */
export async function readLineBytes(
  source: string,
  input: Readable,
  onLine: ByteLineHandler,
  options: ReadLinesOptions = {},
): Promise<LineStats> {
  const stats: LineStats = { bytesIn: 0, bytesDecoded: 0, lines: 0 };
  const check = new Utf8ChunkCheck();
  const splitter = new LineSplitter(onLine, options.maxLineLength ?? DEFAULT_MAX_LINE, options.onOverlong);
  // The object's first bytes until they show whether it starts with a BOM (one-byte chunks).
  let start: Buffer | undefined = Buffer.alloc(0);

  for await (const decompressed of decompressedChunks(source, input, stats)) {
    const nul = decompressed.indexOf(0);
    if (nul >= 0) throw new UnreadableObjectError(source, `not text: NUL byte near decoded byte ${stats.bytesDecoded + nul}`);
    const at = stats.bytesDecoded;
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
      if (!check.check(chunk)) throw new UnreadableObjectError(source, `not UTF-8 text near decoded byte ${at}`);
      splitter.push(chunk);
      stats.lines = splitter.lines;
    }
    await options.onChunk?.(stats);
  }
  // A BOM's first byte or two and nothing after are a cut character as well.
  if (check.pendingBytes > 0 || (start?.length ?? 0) > 0) throw new UnreadableObjectError(source, 'not UTF-8 text: truncated multi-byte character at the end');
  splitter.finish();
  stats.lines = splitter.lines;
  return stats;
}
