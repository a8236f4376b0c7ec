/** The status line on a terminal: cleared before each redraw, cut to the width, silent once closed or off a terminal. */
import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { StatusLine } from '../../cli/status-line';

/** A stream that says it is a terminal of `columns` columns, keeping what is written. */
function terminal(columns = 40, isTTY = true) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns }) as unknown as NodeJS.WriteStream;
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

test('each redraw clears the line first, so a shorter text leaves nothing behind', () => {
  const t = terminal();
  const line = new StatusLine(t.stream);
  line.draw('replay listing 120 objects');
  line.draw('replay listed');
  expect(t.text()).toBe('\r\x1b[Kreplay listing 120 objects\r\x1b[Kreplay listed');
});

test('a text wider than the terminal is cut, since a wrapped line cannot be cleared', () => {
  const t = terminal(20);
  new StatusLine(t.stream).draw('x'.repeat(50));
  expect(t.text()).toBe(`\r\x1b[K${'x'.repeat(18)}…`);
});

test('lines said stay above the redrawn one; nothing is drawn after close', () => {
  const t = terminal();
  const line = new StatusLine(t.stream);
  line.draw('1/3 tables');
  line.say('  purchase: 16 rows merged');
  line.draw('2/3 tables');
  line.close();
  line.draw('3/3 tables');
  line.say('late');
  expect(t.text()).toBe('\r\x1b[K1/3 tables\r\x1b[K  purchase: 16 rows merged\n\r\x1b[K2/3 tables\n');
});

test('off a terminal nothing is written; control characters from data are escaped', () => {
  const off = terminal(80, false);
  new StatusLine(off.stream).say('hello');
  expect(off.text()).toBe('');
  const t = terminal();
  new StatusLine(t.stream).say('table \x1b]0;pwned\x07');
  expect(t.text()).not.toContain('\x1b]');
});
