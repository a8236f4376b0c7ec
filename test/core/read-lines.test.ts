/** readLines: gzip or plain, UTF-8 with or without BOM, LF or CRLF, chunk boundaries anywhere. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { UnreadableObjectError } from '../../core/errors';
import { readLines } from '../../core/read-lines';

type Line = [text: string, lineNumber: number];

async function read(source: string, chunks: Buffer[]): Promise<{ lines: Line[]; stats: Awaited<ReturnType<typeof readLines>> }> {
  const lines: Line[] = [];
  const stats = await readLines(source, Readable.from(chunks), (text, n) => lines.push([text, n]));
  return { lines, stats };
}

const whole = (b: Buffer | string) => [Buffer.from(b)];
const bytewise = (b: Buffer | string) => [...Buffer.from(b)].map((x) => Buffer.from([x]));

async function unreadable(source: string, chunks: Buffer[]): Promise<UnreadableObjectError> {
  try {
    await read(source, chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableObjectError);
    return error as UnreadableObjectError;
  }
  throw new Error(`expected ${source} to be unreadable`);
}

const TEXT = '{"event":"a","s":"é"}\n{"event":"b","s":"😀"}\r\n\n   \n{"event":"c","s":"中文"}\r\n{"event":"d"}';
const TEXT_LINES: Line[] = [['{"event":"a","s":"é"}', 1], ['{"event":"b","s":"😀"}', 2], ['{"event":"c","s":"中文"}', 5], ['{"event":"d"}', 6]];

describe('readLines: plain text', () => {
  test('one line per newline, 1-based numbers', async () => {
    const { lines, stats } = await read('a.json', whole('a\nb\nc\n'));
    expect(lines).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(stats.lines).toBe(3);
  });

  test('the last line without a newline is read', async () => {
    expect((await read('a.json', whole('a\nb'))).lines).toEqual([['a', 1], ['b', 2]]);
    expect((await read('a.json', whole('only'))).lines).toEqual([['only', 1]]);
  });

  test('CRLF: no \\r left at the line end; LF and CRLF mixed', async () => {
    expect((await read('a.json', whole('a\r\nb\nc\r\nd'))).lines).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
  });

  test('blank and whitespace-only lines are skipped but still counted', async () => {
    const { lines, stats } = await read('a.json', whole('a\n\n  \n\t\r\n\r\nb\n\n'));
    expect(lines).toEqual([['a', 1], ['b', 6]]);
    expect(stats.lines).toBe(7);
  });

  test('a UTF-8 byte-order mark is not part of the first line', async () => {
    expect((await read('a.json', whole('\uFEFF{"a":1}\n{"b":2}\n'))).lines).toEqual([['{"a":1}', 1], ['{"b":2}', 2]]);
    expect((await read('a.json', bytewise('\uFEFF{"a":1}\r\n'))).lines).toEqual([['{"a":1}', 1]]);
  });

  test('empty input: no lines', async () => {
    expect((await read('a.json', [])).lines).toEqual([]);
    expect((await read('a.json', whole(''))).lines).toEqual([]);
  });

  test('multi-byte characters and \\r\\n cut by one-byte chunks', async () => {
    expect((await read('a.json', bytewise(TEXT))).lines).toEqual(TEXT_LINES);
  });

  test('every two-chunk split of the text gives the same lines', async () => {
    const bytes = Buffer.from(TEXT);
    for (let i = 0; i <= bytes.length; i++) {
      const { lines } = await read('a.json', [bytes.subarray(0, i), bytes.subarray(i)]);
      expect(lines, `split at ${i}`).toEqual(TEXT_LINES);
    }
  });

  test('many lines: numbers stay right', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => (i % 7 === 3 ? '' : `{"i":${i}}`)).join('\r\n');
    const { lines } = await read('a.json', [Buffer.from(text)]);
    expect(lines).toHaveLength(5000 - Math.floor((5000 - 4) / 7) - 1);
    for (const [line, n] of lines) expect(line).toBe(`{"i":${n - 1}}`);
  });


  test('one large chunk of mixed ASCII and multi-byte lines: characters cut inside the chunk at every offset', async () => {
    // readLines decodes a large chunk a slice at a time; shifting the text by 0-3 bytes puts a
    // 2-, 3- or 4-byte character across every slice boundary somewhere in the chunk.
    const lineTexts = Array.from({ length: 3000 }, (_, i) => `{"i":${i},"s":"${i % 3 === 0 ? 'plain ascii text' : 'é中😀'.repeat(1 + (i % 5))}"}`);
    for (let shift = 0; shift < 4; shift++) {
      const text = `${'x'.repeat(shift)}\n${lineTexts.join('\n')}\n`;
      const { lines, stats } = await read('a.json', [Buffer.from(text)]);
      expect(lines.map(([line]) => line)).toEqual([...(shift > 0 ? ['x'.repeat(shift)] : []), ...lineTexts]);
      expect(stats.bytesDecoded).toBe(Buffer.byteLength(text));
    }
  });
  test('a name ending in .gz does not make plain text gzip', async () => {
    expect((await read('raw/a.gz', whole('a\nb\n'))).lines).toEqual([['a', 1], ['b', 2]]);
  });
});

describe('readLines: gzip', () => {
  test('gzip is detected by its magic bytes, whatever the name', async () => {
    for (const name of ['a.json', 'a.jsonl', 'a', 'a.gz']) {
      expect((await read(name, whole(gzipSync(TEXT)))).lines, name).toEqual(TEXT_LINES);
    }
  });

  test('gzip fed one byte per chunk', async () => {
    expect((await read('a.gz', bytewise(gzipSync(TEXT)))).lines).toEqual(TEXT_LINES);
  });

  test('every two-chunk split of the gzip bytes gives the same lines', async () => {
    const bytes = gzipSync('{"a":"é"}\r\n{"b":2}\n');
    for (let i = 0; i <= bytes.length; i++) {
      const { lines } = await read('a.gz', [bytes.subarray(0, i), bytes.subarray(i)]);
      expect(lines, `split at ${i}`).toEqual([['{"a":"é"}', 1], ['{"b":2}', 2]]);
    }
  });

  test('multi-member gzip (cat a.gz b.gz) reads as the concatenated text', async () => {
    const joined = Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\r\nd\n'), gzipSync('e')]);
    expect((await read('a.gz', whole(joined))).lines).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]]);
    expect((await read('a.gz', bytewise(joined))).lines).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]]);
  });

  test('multi-member gzip whose member boundary falls inside a line and inside a character', async () => {
    const text = Buffer.from('{"s":"é"}\n{"t":"😀"}\n');
    const cut = text.indexOf(Buffer.from('😀')) + 2; // inside the 4-byte emoji
    const joined = Buffer.concat([gzipSync(text.subarray(0, cut)), gzipSync(text.subarray(cut))]);
    expect((await read('a.gz', whole(joined))).lines).toEqual([['{"s":"é"}', 1], ['{"t":"😀"}', 2]]);
  });

  test('gzip with a BOM inside', async () => {
    expect((await read('a.gz', whole(gzipSync('\uFEFFa\r\nb')))).lines).toEqual([['a', 1], ['b', 2]]);
  });

  test('an empty gzip member: no lines', async () => {
    expect((await read('a.gz', whole(gzipSync('')))).lines).toEqual([]);
  });

  test('stats count compressed bytes in and text bytes out', async () => {
    const gz = gzipSync(TEXT);
    const { stats } = await read('a.gz', whole(gz));
    expect(stats.bytesIn).toBe(gz.length);
    expect(stats.bytesDecoded).toBe(Buffer.byteLength(TEXT));
    expect(stats.lines).toBe(6);
  });
});

describe('readLines: unreadable objects', () => {
  const big = Array.from({ length: 2000 }, (_, i) => `{"event":"e","i":${i},"pad":"${'x'.repeat(i % 50)}"}`).join('\n');

  test('corrupt gzip (bytes flipped in the middle) -> UnreadableObjectError naming the source', async () => {
    const gz = Buffer.from(gzipSync(big));
    for (let i = Math.floor(gz.length / 3); i < Math.floor(gz.length / 3) + 16; i++) gz[i] = gz[i]! ^ 0xff;
    const error = await unreadable('raw/2026/11/22/corrupt.gz', whole(gz));
    expect(error.source).toBe('raw/2026/11/22/corrupt.gz');
    expect(error.message).toContain('raw/2026/11/22/corrupt.gz');
  });

  test('truncated gzip -> UnreadableObjectError', async () => {
    const gz = gzipSync(big);
    const error = await unreadable('raw/cut.json', whole(gz.subarray(0, Math.floor(gz.length / 2))));
    expect(error.message).toContain('raw/cut.json');
  });

  test('gzip with a wrong checksum -> UnreadableObjectError', async () => {
    const gz = Buffer.from(gzipSync('{"a":1}\n'));
    gz[gz.length - 8] = gz[gz.length - 8]! ^ 0x01; // CRC32 of the trailer
    await unreadable('raw/crc.gz', whole(gz));
  });

  test('gzip magic followed by garbage -> UnreadableObjectError', async () => {
    await unreadable('raw/fake.gz', whole(Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09])));
  });

  test('random binary -> UnreadableObjectError naming the source', async () => {
    let seed = 99;
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16 & 0xff;
    bytes[0] = 0x89; // not the gzip magic
    const error = await unreadable('raw/blob.bin', whole(bytes));
    expect(error.source).toBe('raw/blob.bin');
    await unreadable('raw/blob.bin', bytewise(bytes.subarray(0, 256)));
  });

  test('a NUL byte -> UnreadableObjectError, plain or gzip', async () => {
    await unreadable('raw/nul.json', whole('{"a":1}\n{"b"\u0000:2}\n'));
    await unreadable('raw/nul.gz', whole(gzipSync('{"a":1}\n\u0000\n')));
  });

  test('not UTF-8 (Latin-1 bytes) -> UnreadableObjectError', async () => {
    await unreadable('raw/latin1.json', whole(Buffer.from('{"s":"caf\xe9"}\n', 'latin1')));
    await unreadable('raw/latin1.gz', whole(gzipSync(Buffer.from('{"s":"caf\xe9"}\n', 'latin1'))));
  });

  test('a multi-byte character cut off at the end -> UnreadableObjectError', async () => {
    const bytes = Buffer.from('{"a":1}\n{"s":"😀');
    await unreadable('raw/cut-char.json', whole(bytes.subarray(0, bytes.length - 1)));
  });

  test('a failing read is not an unreadable object (it may be retried)', async () => {
    const failing = (first: Buffer) =>
      new Readable({
        read() {
          if (this.readableLength === 0 && !(this as { sent?: boolean }).sent) {
            (this as { sent?: boolean }).sent = true;
            this.push(first);
          } else this.destroy(new Error('connection reset'));
        },
      });
    for (const first of [Buffer.from('{"a":1}\n{"b":'), gzipSync(big).subarray(0, 100)]) {
      const error = await readLines('raw/flaky.gz', failing(first), () => {}).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(UnreadableObjectError);
      expect((error as Error).message).toContain('connection reset');
    }
  });
});
