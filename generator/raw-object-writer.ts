/** Writes one raw object as a stream with backpressure: gzip or plain, LF or CRLF, BOM, blank and concatenated lines. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Random } from './random';

export interface LineFormat {
  gzip: boolean;
  crlf: boolean;
  bom: boolean;
  /** Share of lines that are blank (empty, or a few spaces and tabs). */
  blankLineShare: number;
  /** Share of record lines that hold 2-4 records back to back with no delimiter. */
  concatenatedShare: number;
}

/** Text is handed to the stream in chunks of about this many characters. */
const CHUNK_CHARS = 256 * 1024;
/** Bytes the stream may hold before generation waits for it to drain. */
const MAX_BUFFERED = 8 * 1024 * 1024;

export class RawObjectWriter {
  records = 0;
  lines = 0;
  concatenatedLines = 0;
  blankLines = 0;
  private parts: string[] = [];
  private pendingChars = 0;
  private group: string[] = [];
  private groupTarget = 1;
  private readonly eol: string;

  private constructor(
    private readonly path: string,
    private readonly stream: Writable,
    private readonly done: Promise<void>,
    private readonly format: LineFormat,
    private readonly random: Random,
  ) {
    this.eol = format.crlf ? '\r\n' : '\n';
    if (format.bom) this.push('\uFEFF');
  }

  static async open(path: string, format: LineFormat, random: Random): Promise<RawObjectWriter> {
    await mkdir(dirname(path), { recursive: true });
    const file = createWriteStream(path);
    if (!format.gzip)
      return new RawObjectWriter(
        path,
        file,
        once(file, 'finish').then(() => undefined),
        format,
        random,
      );
    const gzip = createGzip({ level: 6 });
    return new RawObjectWriter(path, gzip, pipeline(gzip, file), format, random);
  }

  /** Appends one record; a junk record stands alone on its line, since a line end closes whatever it broke. */
  writeRecord(text: string, junk: boolean): void {
    this.records++;
    if (junk) {
      this.endLine();
      this.group.push(text);
      this.endLine();
      return;
    }
    if (this.group.length === 0) {
      this.groupTarget = this.random.chance(this.format.concatenatedShare) ? this.random.int(2, 4) : 1;
    }
    this.group.push(text);
    if (this.group.length >= this.groupTarget) this.endLine();
  }

  get needsFlush(): boolean {
    return this.pendingChars >= CHUNK_CHARS;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.pendingChars = 0;
    // Backpressure with a deeper bound than the stream's own: deflate runs on the thread pool, so
    // the next chunks are generated while earlier ones compress, and memory stays bounded.
    if (!this.stream.write(chunk) && this.stream.writableLength > MAX_BUFFERED) {
      await Promise.race([once(this.stream, 'drain'), this.done]);
    }
  }

  /** Ends the object and returns its size in bytes as stored. */
  async close(): Promise<number> {
    this.endLine();
    await this.flush();
    this.stream.end();
    await this.done;
    return (await stat(this.path)).size;
  }

  private endLine(): void {
    if (this.group.length === 0) return;
    if (this.format.blankLineShare > 0 && this.random.chance(this.format.blankLineShare)) {
      this.blankLines++;
      this.push(this.random.chance(0.8) ? this.eol : ` \t${this.eol}`);
    }
    this.lines++;
    if (this.group.length > 1) this.concatenatedLines++;
    this.push(this.group.length === 1 ? this.group[0]! + this.eol : this.group.join('') + this.eol);
    this.group = [];
  }

  private push(text: string): void {
    this.parts.push(text);
    this.pendingChars += text.length;
  }
}
