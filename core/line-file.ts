/** An append-only file of lines with a write buffer: rejects, unknown records and staged CSV rows. */
import { appendFileSync, writeFileSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

export class LineFile {
  private buffer: string[] = [];
  private buffered = 0;
  lines = 0;

  constructor(readonly path: string) {
    writeFileSync(path, '');
  }

  /** Writes `text` as one line (JSON text, or a CSV row); it must hold no line break of its own unless quoted. */
  appendLine(text: string): void {
    this.buffer.push(text);
    this.buffered += text.length + 1;
    this.lines++;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    // The empty last element gives the final line break: `join() + '\n'` would copy the whole text again.
    this.buffer.push('');
    appendFileSync(this.path, this.buffer.join('\n'));
    this.buffer = [];
    this.buffered = 0;
  }
}
