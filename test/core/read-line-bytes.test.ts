/** readLineBytes's lines decoded to text: gzip or plain, UTF-8 with or without BOM, LF or CRLF, unreadable objects, limits. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { UnreadableObjectError } from '../../core/errors';
import {
  bytewise,
  read,
  readChecked,
  readLines,
  TEXT,
  TEXT_LINES,
  unreadable,
  whole,
  type Line,
} from '../helpers/line-reading';

describe('readLines: plain text', () => {
  test('one line per newline, 1-based numbers', async () => {
    const { lines, stats } = await read('a.json', whole('a\nb\nc\n'));
    expect(lines).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(stats.lines).toBe(3);
  });

  test('the last line without a newline is read', async () => {
    expect((await read('a.json', whole('a\nb'))).lines).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect((await read('a.json', whole('only'))).lines).toEqual([['only', 1]]);
  });

  test('CRLF: no \\r left at the line end; LF and CRLF mixed', async () => {
    expect((await read('a.json', whole('a\r\nb\nc\r\nd'))).lines).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
  });

  test('blank and whitespace-only lines are skipped but still counted', async () => {
    const { lines, stats } = await read('a.json', whole('a\n\n  \n\t\r\n\r\nb\n\n'));
    expect(lines).toEqual([
      ['a', 1],
      ['b', 6],
    ]);
    expect(stats.lines).toBe(7);
  });

  test('a UTF-8 byte-order mark is not part of the first line', async () => {
    expect((await read('a.json', whole('\uFEFF{"a":1}\n{"b":2}\n'))).lines).toEqual([
      ['{"a":1}', 1],
      ['{"b":2}', 2],
    ]);
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
    const lineTexts = Array.from(
      { length: 3000 },
      (_, i) => `{"i":${i},"s":"${i % 3 === 0 ? 'plain ascii text' : 'é中😀'.repeat(1 + (i % 5))}"}`,
    );
    for (let shift = 0; shift < 4; shift++) {
      const text = `${'x'.repeat(shift)}\n${lineTexts.join('\n')}\n`;
      const { lines, stats } = await read('a.json', [Buffer.from(text)]);
      expect(lines.map(([line]) => line)).toEqual([...(shift > 0 ? ['x'.repeat(shift)] : []), ...lineTexts]);
      expect(stats.bytesDecoded).toBe(Buffer.byteLength(text));
    }
  });
  test('a name ending in .gz does not make plain text gzip', async () => {
    expect((await read('raw/a.gz', whole('a\nb\n'))).lines).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
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
      expect(lines, `split at ${i}`).toEqual([
        ['{"a":"é"}', 1],
        ['{"b":2}', 2],
      ]);
    }
  });

  test('multi-member gzip (cat a.gz b.gz) reads as the concatenated text', async () => {
    const joined = Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\r\nd\n'), gzipSync('e')]);
    expect((await read('a.gz', whole(joined))).lines).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]);
    expect((await read('a.gz', bytewise(joined))).lines).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]);
  });

  test('multi-member gzip whose member boundary falls inside a line and inside a character', async () => {
    const text = Buffer.from('{"s":"é"}\n{"t":"😀"}\n');
    const cut = text.indexOf(Buffer.from('😀')) + 2; // inside the 4-byte emoji
    const joined = Buffer.concat([gzipSync(text.subarray(0, cut)), gzipSync(text.subarray(cut))]);
    expect((await read('a.gz', whole(joined))).lines).toEqual([
      ['{"s":"é"}', 1],
      ['{"t":"😀"}', 2],
    ]);
  });

  test('gzip with a BOM inside', async () => {
    expect((await read('a.gz', whole(gzipSync('\uFEFFa\r\nb')))).lines).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
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
    await unreadable(
      'raw/fake.gz',
      whole(Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09])),
    );
  });

  test('random binary: its lines are reported as not text, nothing is thrown (the batch decides it is not text)', async () => {
    let seed = 99;
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 0xff;
    bytes[0] = 0x89; // not the gzip magic
    const { lines, invalid } = await readChecked('raw/blob.bin', whole(bytes));
    expect(invalid.length).toBeGreaterThan(lines.length);
  });

  test.each([
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00], 'unsupported-compression', 'zstd'],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00], 'unsupported-compression', 'xz'],
    ['bzip2', [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59], 'unsupported-compression', 'bzip2'],
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], 'unsupported-compression', 'zip'],
    ['UTF-16 LE with its mark', [...Buffer.from('\ufeff{"event":"a"}\n', 'utf16le')], 'not-text', 'UTF-16'],
    ['Parquet', [...Buffer.from('PAR1\x15\x00\x15')], 'not-text', 'Parquet'],
  ] as const)(
    '%s -> UnreadableObjectError of its kind, from its first bytes, however they are cut',
    async (_name, head, kind, named) => {
      const bytes = Buffer.from([...head, ...Buffer.from('\n{"event":"a"}\n'.repeat(20))]);
      for (const chunks of [whole(bytes), bytewise(bytes)]) {
        const error = await unreadable('raw/odd', chunks);
        expect(error.kind).toBe(kind);
        expect(error.message).toContain(named);
      }
    },
  );

  test('text that merely starts like a magic number is read (BZh without a block size digit)', async () => {
    expect((await read('a.json', whole('BZh is not bzip2\n'))).lines).toEqual([['BZh is not bzip2', 1]]);
  });

  test('a NUL byte costs its line, plain or gzip; the other lines are read', async () => {
    const plain = await readChecked('raw/nul.json', whole('{"a":1}\n{"b"\u0000:2}\n{"c":3}'));
    expect(plain.lines).toEqual([
      ['{"a":1}', 1],
      ['{"c":3}', 3],
    ]);
    expect(plain.invalid).toEqual([[2, 'a NUL byte at byte 5 of the line', '{"b"\\u0000:2}']]);
    const gz = await readChecked('raw/nul.gz', whole(gzipSync('{"a":1}\n\u0000\n{"c":3}\n')));
    expect(gz.lines).toEqual([
      ['{"a":1}', 1],
      ['{"c":3}', 3],
    ]);
    expect(gz.invalid.map(([n]) => n)).toEqual([2]);
  });

  test('not UTF-8 (Latin-1 bytes) costs its line, plain or gzip', async () => {
    const text = Buffer.concat([
      Buffer.from('{"a":1}\n'),
      Buffer.from('{"s":"caf\xe9"}\n', 'latin1'),
      Buffer.from('{"b":2}\n'),
    ]);
    for (const chunks of [whole(text), whole(gzipSync(text))]) {
      const { lines, invalid } = await readChecked('raw/latin1', chunks);
      expect(lines).toEqual([
        ['{"a":1}', 1],
        ['{"b":2}', 3],
      ]);
      expect(invalid).toEqual([[2, 'not UTF-8 text', '{"s":"caf\ufffd"}']]);
    }
  });

  test('a multi-byte character cut off at the end costs the last line', async () => {
    const bytes = Buffer.from('{"a":1}\n{"s":"😀');
    const { lines, invalid } = await readChecked('raw/cut-char.json', whole(bytes.subarray(0, bytes.length - 1)));
    expect(lines).toEqual([['{"a":1}', 1]]);
    expect(invalid.map(([n, reason]) => [n, reason])).toEqual([[2, 'not UTF-8 text']]);
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
      const error = await readLines('raw/flaky.gz', failing(first), () => {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(UnreadableObjectError);
      expect((error as Error).message).toContain('connection reset');
    }
  });
});

describe('readLines: whitespace and limits', () => {
  test('lines of only spaces, tabs, \\v, \\f, U+FEFF and U+00A0 are blank; other characters are not', async () => {
    const { lines, stats } = await read('a.json', whole('a\n\u00a0\n \uFEFF\t\v\f\u00a0\r\n\u00a0x\n\u3000\nb'));
    expect(lines).toEqual([
      ['a', 1],
      ['\u00a0x', 4],
      ['\u3000', 5],
      ['b', 6],
    ]);
    expect(stats.lines).toBe(6);
  });

  test('maxLineLength counts UTF-8 bytes: a longer line is reported with its byte length and skipped', async () => {
    const overlong: [number, number, string][] = [];
    const lines: Line[] = [];
    const text = '{"s":"ab"}\n{"s":"é"}\r\n{"s":"éé"}\n{"s":"abc"}\n';
    await readLines('a.json', Readable.from(whole(text)), (t, n) => lines.push([t, n]), {
      maxLineLength: 10,
      onOverlong: (n, length, head) => overlong.push([n, length, head]),
    });
    expect(lines).toEqual([
      ['{"s":"ab"}', 1],
      ['{"s":"é"}', 2],
    ]);
    expect(overlong).toEqual([
      [3, 12, '{"s":"éé"}'],
      [4, 11, '{"s":"abc"}'],
    ]);
  });
});
