/**
 * What a command says while it works, on stderr and only on a terminal: one line redrawn in place
 * (cleared first, so a shorter text leaves nothing behind), finished lines above it, and nothing
 * once closed, so a late redraw can never land after the summary.
 */
import { terminalSafe } from './terminal-text';

const CLEAR_LINE = '\r\x1b[K';

export class StatusLine {
  private drawn = false;
  private closed = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true && !this.closed;
  }

  /** Replaces the line being redrawn. */
  draw(text: string): void {
    if (!this.enabled) return;
    // Cut to the terminal's width: a wrapped line cannot be cleared with one carriage return.
    const width = Math.max(10, (this.stream.columns || 80) - 1);
    const flat = terminalSafe(text).replaceAll('\n', ' ');
    this.stream.write(`${CLEAR_LINE}${[...flat].length > width ? `${[...flat].slice(0, width - 1).join('')}…` : flat}`);
    this.drawn = true;
  }

  /** A line that stays, printed above the one being redrawn (which is drawn again by the next `draw`). */
  say(text: string): void {
    if (!this.enabled) return;
    this.stream.write(`${this.drawn ? CLEAR_LINE : ''}${terminalSafe(text)}\n`);
    this.drawn = false;
  }

  /** Ends the redrawn line; later calls do nothing. */
  close(): void {
    if (this.enabled && this.drawn) this.stream.write('\n');
    this.closed = true;
  }
}

/** A line as soon as something slow starts, so a fresh start is never a silent wait. */
export function notice(text: string): void {
  new StatusLine().say(text);
}
