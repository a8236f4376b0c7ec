/** readLineBytes's byte ranges: exactly the lines' bytes, overlong and not-UTF-8 lines, onChunk, chunk boundaries anywhere. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { readLineBytes, type LineStats, type ReadLinesOptions } from '../../core/read-line-bytes';
import { bytewise, read, readChecked, TEXT, TEXT_LINES, whole, type Line } from '../helpers/line-reading';

type ByteLine = [bytes: Buffer, lineNumber: number];

/** Reads with readLineBytes, copying each range. */
async function readBytes(
  source: string,
  chunks: Buffer[],
  options: ReadLinesOptions = {},
): Promise<{ lines: ByteLine[]; stats: LineStats; buffers: Buffer[] }> {
  const lines: ByteLine[] = [];
  const buffers: Buffer[] = [];
  const stats = await readLineBytes(
    source,
    Readable.from(chunks),
    (bytes, start, end, n) => {
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(bytes.length);
      lines.push([Buffer.from(bytes.subarray(start, end)), n]);
      buffers.push(bytes);
    },
    options,
  );
  return { lines, stats, buffers };
}

const asBytes = (lines: Line[]): ByteLine[] => lines.map(([text, n]) => [Buffer.from(text), n]);

/** The lines as the contract states them, from the whole text decoded at once. */
function referenceLines(text: string): ByteLine[] {
  const out: ByteLine[] = [];
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parts = body.split('\n');
  if (parts.at(-1) === '') parts.pop();
  parts.forEach((part, i) => {
    const line = part.endsWith('\r') ? part.slice(0, -1) : part;
    if (!/^[ \t\r\v\f\uFEFF\u00a0]*$/.test(line)) out.push([Buffer.from(line), i + 1]);
  });
  return out;
}

describe("readLineBytes: ranges are exactly the lines' bytes", () => {
  test('one chunk: every range is of the chunk itself (the common line is not copied)', async () => {
    const input = Buffer.from(TEXT);
    const { lines, buffers, stats } = await readBytes('a.json', [input]);
    expect(lines).toEqual(asBytes(TEXT_LINES));
    // The last line, cut by the chunk's end (no newline), is the only one copied.
    expect(buffers.slice(0, -1).every((b) => b === input)).toBe(true);
    expect(buffers.at(-1)).not.toBe(input);
    expect(stats).toEqual({ bytesIn: input.length, bytesDecoded: input.length, lines: 6 });
  });

  test('one-byte chunks, plain and gzip', async () => {
    expect((await readBytes('a.json', bytewise(TEXT))).lines).toEqual(asBytes(TEXT_LINES));
    expect((await readBytes('a.gz', bytewise(gzipSync(TEXT)))).lines).toEqual(asBytes(TEXT_LINES));
  });

  test('every two-chunk split, plain and gzip (CRLF, multi-byte characters and the BOM cut anywhere)', async () => {
    const text = `\uFEFF${TEXT}\r\n\u00a0\r\n{"e":"\uFEFF中"}\r`;
    const expected = referenceLines(text);
    expect(expected.map(([, n]) => n)).toEqual([1, 2, 5, 6, 8]);
    const bytes = Buffer.from(text);
    const gz = gzipSync(bytes);
    for (const input of [bytes, gz]) {
      for (let i = 0; i <= input.length; i++) {
        const { lines, stats } = await readBytes('a', [input.subarray(0, i), input.subarray(i)]);
        expect(lines, `split at ${i}`).toEqual(expected);
        expect(stats.bytesDecoded).toBe(bytes.length);
        expect(stats.lines).toBe(8);
      }
    }
  });

  test('every three-chunk split of a short text with every kind of line end and character', async () => {
    const text = '\uFEFFa\r\n\r\né\n😀\r\r\n \u00a0\n中';
    const expected = referenceLines(text);
    const bytes = Buffer.from(text);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const { lines } = await readBytes('a', [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        expect(lines, `split at ${i}, ${j}`).toEqual(expected);
      }
    }
  });

  test("a BOM is dropped only at the object's start", async () => {
    const { lines } = await readBytes('a', whole('\uFEFF\uFEFFa\n\uFEFFb\n'));
    expect(lines).toEqual([
      [Buffer.from('\uFEFFa'), 1],
      [Buffer.from('\uFEFFb'), 2],
    ]);
    expect((await readBytes('a', bytewise('\uFEFF'))).lines).toEqual([]);
    expect((await readBytes('a', bytewise('\uFEFF'))).stats.bytesDecoded).toBe(3);
  });

  test('random texts at random chunkings give the reference lines', async () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pieces = [
      '{"a":1}',
      'x',
      ' ',
      '\t',
      '\r',
      '\n',
      '\r\n',
      '\n\n',
      'é',
      '中',
      '😀',
      '\u00a0',
      '\uFEFF',
      '\u3000',
    ];
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 1 + random(60) }, () => pieces[random(pieces.length)]).join('');
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + random(12);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const input = round % 3 === 0 ? [gzipSync(bytes)] : chunks;
      const { lines } = await readBytes('a', input);
      expect(lines, JSON.stringify(text)).toEqual(referenceLines(text));
      // readLines is readLineBytes decoded
      expect((await read('a', round % 3 === 0 ? [gzipSync(bytes)] : chunks)).lines).toEqual(
        referenceLines(text).map(([b, n]) => [b.toString(), n]),
      );
    }
  });
});

describe('readLineBytes: overlong lines (the limit counts bytes)', () => {
  const text =
    'ok\n0123456789\r\n01234567890\r\n' +
    'a'.repeat(199) +
    'é'.repeat(200) +
    '\r\n{"s":"éé"}\nlast\r\n' +
    'b'.repeat(30);
  type Report = [lineNumber: number, length: number, head: string];
  const expectedReports: Report[] = [
    [3, 11, '01234567890'],
    [4, 599, 'a'.repeat(199)],
    [5, 12, '{"s":"éé"}'],
    [7, 30, 'b'.repeat(30)],
  ];
  const expectedLines = asBytes([
    ['ok', 1],
    ['0123456789', 2],
    ['last', 6],
  ]);

  async function readLimited(chunks: Buffer[]): Promise<{ lines: ByteLine[]; reports: Report[]; stats: LineStats }> {
    const reports: Report[] = [];
    const { lines, stats } = await readBytes('a', chunks, {
      maxLineLength: 10,
      onOverlong: (n, length, head) => reports.push([n, length, head]),
    });
    return { lines, reports, stats };
  }

  test('reported with the byte length (no \\r) and a head cut before a split character, the same for every chunking', async () => {
    const bytes = Buffer.from(text);
    const chunkings = [[bytes], bytewise(bytes), [gzipSync(bytes)]];
    for (let i = 0; i <= bytes.length; i += 7) chunkings.push([bytes.subarray(0, i), bytes.subarray(i)]);
    for (const chunks of chunkings) {
      const { lines, reports, stats } = await readLimited(chunks);
      expect(lines).toEqual(expectedLines);
      expect(reports).toEqual(expectedReports);
      expect(stats.lines).toBe(7);
    }
  });

  test('a line of exactly the limit passes even when its \\r\\n is cut from it', async () => {
    const bytes = Buffer.from('0123456789\r\n');
    for (let i = 0; i <= bytes.length; i++) {
      const { lines, reports } = await readLimited([bytes.subarray(0, i), bytes.subarray(i)]);
      expect(lines).toEqual(asBytes([['0123456789', 1]]));
      expect(reports).toEqual([]);
    }
  });
});

describe('readLineBytes: not UTF-8, wherever the chunks are cut', () => {
  const cases: [string, Buffer][] = [
    ['a cut character followed by ASCII', Buffer.from([...Buffer.from('{"s":"'), 0xe2, 0x82, ...Buffer.from('x"}\n')])],
    ['an overlong encoding', Buffer.from([...Buffer.from('{"s":"'), 0xc0, 0x80, ...Buffer.from('"}\n')])],
    ['a surrogate', Buffer.from([...Buffer.from('a\n'), 0xed, 0xa0, 0x80, 0x0a])],
    ['a lone continuation byte after a complete character', Buffer.from([...Buffer.from('é'), 0x80, 0x0a])],
    ['above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
    ['a BOM cut off at the end', Buffer.from([0xef, 0xbb])],
    ['a lone BOM start byte', Buffer.from([0xef])],
    ['a BOM start followed by ASCII', Buffer.from([0xef, 0xbb, 0x41, 0x0a])],
    ['a 4-byte character cut off at the end', Buffer.from('a\n😀').subarray(0, 5)],
  ];
  test.each(cases)('%s: the same lines read and reported, however the chunks are cut', async (_name, bytes) => {
    // A good line before and after: the bad bytes cost only their own line.
    const text = Buffer.concat([Buffer.from('{"first":1}\n'), bytes, Buffer.from('\n{"last":2}')]);
    const expected = await readChecked('raw/bad.json', whole(text));
    expect(expected.invalid.length).toBeGreaterThan(0);
    expect(expected.lines[0]).toEqual(['{"first":1}', 1]);
    expect(expected.lines.at(-1)![0]).toBe('{"last":2}');
    for (let i = 0; i <= text.length; i++) {
      expect(await readChecked('raw/bad.json', [text.subarray(0, i), text.subarray(i)]), `split at ${i}`).toEqual(
        expected,
      );
    }
    expect(await readChecked('raw/bad.json', bytewise(text))).toEqual(expected);
    // The bytes alone, as a whole object: reported, never thrown.
    for (let i = 0; i <= bytes.length; i++) {
      const alone = await readChecked('raw/bad.json', [bytes.subarray(0, i), bytes.subarray(i)]);
      expect(alone.invalid.length, `split at ${i}`).toBeGreaterThan(0);
    }
  });
});

describe('readLineBytes: onChunk', () => {
  test('called after each decompressed chunk with the stats so far', async () => {
    const seen: LineStats[] = [];
    // The first chunk is at least as long as the longest magic number (10 bytes); shorter ones are joined.
    const stats = await readLineBytes(
      'a',
      Readable.from([Buffer.from('aaaaaaaaaa\nb'), Buffer.from('c\nd\n'), Buffer.from('e')]),
      () => {},
      { onChunk: (s) => void seen.push({ ...s }) },
    );
    expect(seen).toEqual([
      { bytesIn: 12, bytesDecoded: 12, lines: 1 },
      { bytesIn: 16, bytesDecoded: 16, lines: 3 },
      { bytesIn: 17, bytesDecoded: 17, lines: 3 },
    ]);
    expect(stats).toEqual({ bytesIn: 17, bytesDecoded: 17, lines: 4 });
  });
});
