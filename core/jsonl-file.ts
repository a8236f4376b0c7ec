/** An append-only JSON-lines file with a write buffer: rejects and unknown records go here. */
import { appendFileSync, writeFileSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

export class JsonlFile {
  private buffer: string[] = [];
  private buffered = 0;
  lines = 0;

  constructor(readonly path: string) {
    writeFileSync(path, '');
  }

  /** Writes `text` as one line; callers pass JSON text (a record verbatim, or a stringified object). */
  appendLine(text: string): void {
    this.buffer.push(text);
    this.buffered += text.length + 1;
    this.lines++;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    appendFileSync(this.path, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.buffered = 0;
  }
}
