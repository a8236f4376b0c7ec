/**
 * Command output: one JSON document with --json, readable text otherwise, progress on a terminal.
 * Whatever comes from data is escaped here (terminal-text.ts), once, for every command.
 */
import { StatusLine } from './status-line';
import { oneLine, terminalSafe, terminalSafeJson } from './terminal-text';

export { oneLine } from './terminal-text';

/** Exact JSON: the characters a terminal would act on are \u escapes, which parse to the same value. */
export function printJson(value: unknown): void {
  process.stdout.write(`${terminalSafeJson(JSON.stringify(value, null, 2))}\n`);
}

/** Human output: lines joined, any control character left in them escaped (newlines separate lines). */
export function printText(lines: string | readonly string[]): void {
  const text = typeof lines === 'string' ? lines : lines.join('\n');
  process.stdout.write(`${terminalSafe(text.endsWith('\n') ? text.slice(0, -1) : text)}\n`);
}

/** A progress bar on stderr, redrawn in place; silent when stderr is not a terminal; done at total. */
export function progressReporter(label: string): (done: number, total: number) => void {
  const line = new StatusLine();
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    line.draw(`${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    if (done === total) line.close();
  };
}

/**
 * A plain table: the first row is the header. Every cell is shown on one line (oneLine), so a
 * name holding a newline, tab or escape sequence cannot add a row or shift a column.
 */
export function formatTable(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : oneLine(c ?? ''))));
  const width = (s: string) => [...s].length;
  const widths = rows[0]!.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[], source: readonly (string | number)[]) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - width(c)));
        return typeof source[i] === 'number' ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [
    line(cells[0]!, rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map((r, i) => line(r, rows[i + 1]!)),
  ].join('\n');
}

/** A command's one-line failure; its message is shown escaped, on one line. */
export class CommandError extends Error {
  constructor(message: string) {
    super(terminalSafe(message).replaceAll('\n', '\\n'));
    this.name = 'CommandError';
  }
}
