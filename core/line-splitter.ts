/**
 * Cuts decompressed, validated chunks into lines as byte ranges: LF or CRLF, blank lines skipped
 * but counted, a line longer than the limit reported and skipped. A line inside one chunk is
 * passed as a range of that chunk; only a line cut by a chunk's end is copied, into one buffer
 * reused for every such line.
 */
import { completeCharsEnd } from './utf8-chunk-check';

export type ByteLineHandler = (bytes: Buffer, start: number, end: number, lineNumber: number) => void;
export type OverlongHandler = (lineNumber: number, length: number, head: string) => void;

/** Bytes of an overlong line kept for its report. */
const OVERLONG_HEAD = 200;

export class LineSplitter {
  /** Lines ended so far, blank and overlong ones included. */
  lines = 0;
  /** The start of a line cut by the previous chunk's end. */
  private carry = Buffer.alloc(0);
  private carryLength = 0;
  /** Inside an overlong line, which is measured but no longer kept, until its end. */
  private skipping = false;
  private skipLength = 0;
  private skipLastByte = 0;
  /** The overlong line's first bytes, for its report, whatever the chunks. */
  private readonly skipHead = Buffer.alloc(OVERLONG_HEAD);
  private skipHeadLength = 0;

  constructor(
    /** Replaceable between chunks (readLineBytes checks each line once a chunk is not UTF-8). */
    public onLine: ByteLineHandler,
    private readonly maxLine: number,
    private readonly onOverlong: OverlongHandler | undefined,
  ) {}

  /** Splits a chunk whose UTF-8 has been checked. */
  push(chunk: Buffer): void {
    let from = 0;
    if (this.carryLength > 0 || this.skipping) {
      const nl = chunk.indexOf(10);
      this.extend(chunk, 0, nl < 0 ? chunk.length : nl);
      if (nl < 0) return;
      this.endPending();
      from = nl + 1;
    }
    const onLine = this.onLine;
    const maxLine = this.maxLine;
    let lineNumber = this.lines;
    for (;;) {
      // Buffer#indexOf of a byte is a memchr: no JS loop over the line's bytes.
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      lineNumber++;
      const end = nl > from && chunk[nl - 1] === 13 ? nl - 1 : nl;
      if (end - from > maxLine) this.onOverlong?.(lineNumber, end - from, headText(chunk, from, end));
      else if (!isBlank(chunk, from, end)) onLine(chunk, from, end, lineNumber);
      from = nl + 1;
    }
    this.lines = lineNumber;
    if (from < chunk.length) this.extend(chunk, from, chunk.length);
  }

  /** Ends the last line when the text does not end with a newline. */
  finish(): void {
    if (this.carryLength > 0 || this.skipping) this.endPending();
  }

  /** Adds chunk[start, end) to the line cut by a chunk's end. */
  private extend(chunk: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.skipping) {
      this.skipLength += end - start;
      this.skipLastByte = chunk[end - 1]!;
      if (this.skipHeadLength < OVERLONG_HEAD)
        this.skipHeadLength += chunk.copy(this.skipHead, this.skipHeadLength, start, end);
      return;
    }
    const length = this.carryLength + end - start;
    // + 1: the line's \r, if it has one, is not yet known to be one and must not count.
    if (length > this.maxLine + 1) {
      this.skipping = true;
      this.skipLength = length;
      this.skipLastByte = chunk[end - 1]!;
      this.skipHeadLength = this.carry.copy(this.skipHead, 0, 0, this.carryLength);
      this.skipHeadLength += chunk.copy(this.skipHead, this.skipHeadLength, start, end);
      this.carryLength = 0;
      return;
    }
    if (length > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(length, 2 * this.carry.length, 64 * 1024), this.maxLine + 1));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carryLength, start, end);
    this.carryLength = length;
  }

  /** Ends the line cut by a chunk's end. */
  private endPending(): void {
    const lineNumber = ++this.lines;
    if (this.skipping) {
      const length = this.skipLength - (this.skipLastByte === 13 ? 1 : 0);
      this.skipping = false;
      this.onOverlong?.(lineNumber, length, headText(this.skipHead, 0, Math.min(this.skipHeadLength, length)));
      return;
    }
    const bytes = this.carry;
    const end = bytes[this.carryLength - 1] === 13 ? this.carryLength - 1 : this.carryLength;
    this.carryLength = 0;
    if (end > this.maxLine) this.onOverlong?.(lineNumber, end, headText(bytes, 0, end));
    else if (!isBlank(bytes, 0, end)) this.onLine(bytes, 0, end, lineNumber);
  }
}

/** The first bytes of an overlong line as text, cut before a character the limit would split. */
function headText(bytes: Buffer, start: number, end: number): string {
  const head = bytes.subarray(start, Math.min(end, start + OVERLONG_HEAD));
  return head.toString('utf8', 0, completeCharsEnd(head));
}

/**
 * Whitespace only: space, \t, \r, \v, \f, U+FEFF (EF BB BF) and U+00A0 (C2 A0), as the string
 * check before it. A JSON line fails on its first byte, so the loop runs only for odd lines.
 */
function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) continue;
    if (c === 0xef && i + 2 < end && bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf) i += 2;
    else if (c === 0xc2 && i + 1 < end && bytes[i + 1] === 0xa0) i++;
    else return false;
  }
  return true;
}
