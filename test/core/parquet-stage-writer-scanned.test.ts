/**
 * ParquetStageWriter.pushScanned (values as byte ranges of a scanned chunk): the same file bytes as
 * push of the same rows as strings, in one or several pages and row groups, mixed with push, read
 * back by DuckDB and hyparquet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, test } from 'vitest';
import { ParquetStageWriter } from '../../core/parquet-stage-writer';
import {
  ALL,
  bytesOf,
  EDGE_ROWS,
  expectExactly,
  hyparquetRows,
  id,
  micros,
  pagesOf,
  stageWriterScratch,
  type Row,
} from '../helpers/stage-writer-rows';

const { scratch, write, duckRows } = stageWriterScratch('loadout-parquet-writer-scanned-');

describe('ParquetStageWriter', () => {
  describe('pushScanned', () => {
    test('the edge rows, as bytes where a scanner could give them, make the same file as push; DuckDB and hyparquet read them back', async () => {
      for (const options of [{}, { pageBytes: 64, rowGroupSize: 3 }]) {
        const pushed = await write(EDGE_ROWS, options);
        const scannedFile = await write(EDGE_ROWS, options, (w) => pushScannedRows(w, EDGE_ROWS, 4));
        expectSameFile(scannedFile.path, pushed.path);
        expectExactly(await duckRows(scannedFile.path), EDGE_ROWS);
        expectExactly(await hyparquetRows(scannedFile.path), EDGE_ROWS);
      }
    });

    test('upper-, lower- and mixed-case uuid bytes are written lower-cased, as push writes the validated strings', async () => {
      const rows: Row[] = [
        [id(0xabcdef), 'abcdef01-2345-4789-8abc-def012345678', null, null, null, null, null, null],
        [
          'ffffffff-ffff-4fff-bfff-ffffffffffff',
          '00000000-0000-4000-8000-000000000000',
          null,
          null,
          null,
          null,
          null,
          null,
        ],
      ];
      const scannedFile = await write(rows, {}, (w) => pushScannedRows(w, rows, 1, { cases: ['upper', 'mixed'] }));
      expectSameFile(scannedFile.path, (await write(rows)).path);
      expect(await duckRows(scannedFile.path)).toEqual(rows);
    });

    test('text of every length around the word copy, empty and multi-byte: same bytes as push, read back exactly', async () => {
      const texts = [
        '',
        'a',
        'ab',
        'abc',
        'abcd',
        'abcde',
        'é',
        'ü✓',
        '日本語',
        '😀',
        '😀𝄞x',
        'héllo wörld ✓ 日本語',
        ...[3, 4, 5, 127, 128, 129, 130, 255, 4096, 70_000].flatMap((n) => [
          'y'.repeat(n),
          'é'.repeat(n >> 1) + 'z'.repeat(n & 1),
        ]),
      ];
      const rows = texts.map((t, n): Row => [
        id(n),
        null,
        t,
        t === '' ? '""' : JSON.stringify({ t }),
        n,
        null,
        null,
        null,
      ]);
      for (const pageBytes of [100, 65_536]) {
        const scannedFile = await write(rows, { pageBytes }, (w) => pushScannedRows(w, rows, 5));
        expectSameFile(scannedFile.path, (await write(rows, { pageBytes })).path);
        expect(await duckRows(scannedFile.path)).toEqual(rows);
      }
    });

    test('many rows in small pages and row groups (by rows and by the byte budget): same bytes as push, read back exactly', async () => {
      const rows = scannableRows(6_000);
      for (const options of [
        { rowGroupSize: 1_000, pageBytes: 1024 },
        { rowGroupBytes: 64 * 1024, pageBytes: 4096 },
      ]) {
        const pushed = await write(rows, options);
        const scannedFile = await write(rows, options, (w) => pushScannedRows(w, rows, 37));
        const buffer = bytesOf(scannedFile.path);
        const metadata = parquetMetadata(buffer);
        // Not a trivial file: several row groups, and several pages in the first one's uuid and text chunks.
        expect(metadata.row_groups.length).toBeGreaterThan(3);
        for (const chunk of pagesOf(buffer, metadata)[0]!.slice(0, 4)) expect(chunk.length).toBeGreaterThan(1);
        expectSameFile(scannedFile.path, pushed.path);
        expectExactly(await duckRows(scannedFile.path), rows);
      }
    });

    test('rows pushed one way or the other into the same table make the file push makes; rowsOf counts both', async () => {
      const rows = scannableRows(2_000);
      let counted = -1;
      const mixed = await write(rows, { rowGroupSize: 300, pageBytes: 2048 }, (w) => {
        // Runs of 50 rows alternate between the two paths, so pages and row groups hold both.
        for (let from = 0; from < rows.length; from += 50) {
          const run = rows.slice(from, from + 50);
          if ((from / 50) % 2 === 0) pushScannedRows(w, run, 9);
          else for (const row of run) w.push('all_types', row);
        }
        counted = w.rowsOf('all_types');
      });
      expect(counted).toBe(rows.length);
      expectSameFile(mixed.path, (await write(rows, { rowGroupSize: 300, pageBytes: 2048 })).path);
    });

    test('refuses rows after finish and rows of a table without an event type', async () => {
      const dir = join(scratch.root, 'scanned-finished');
      const writer = ParquetStageWriter.open([ALL], { workDir: dir });
      const none = new Int32Array(ALL.columns.length).fill(-1);
      expect(() => writer.pushScanned('no_such_table', new Uint8Array(0), [], none, none)).toThrow(
        /no event type for table no_such_table/,
      );
      pushScannedRows(writer, EDGE_ROWS.slice(0, 2), 2);
      expect(writer.rowsOf('all_types')).toBe(2);
      writer.finish(dir);
      expect(() => pushScannedRows(writer, EDGE_ROWS.slice(0, 1), 1)).toThrow(/finished/);
    });
  });
});

type UuidCase = 'upper' | 'lower' | 'mixed';

/** Rows with every kind of value a scanner meets: uuids, short, long, empty and multi-byte text, nulls. */
function scannableRows(count: number): Row[] {
  const texts = ['', 'a', 'weapon_7', 'héllo', '日本語テキスト', '😀𝄞', 'x'.repeat(150), 'lobby-eu-west'];
  return Array.from({ length: count }, (_, n): Row => [
    id(n),
    n % 13 === 0 ? null : id(n % 400),
    n % 17 === 0 ? null : `${texts[n % texts.length]}${n % 3 === 0 ? n : ''}`,
    n % 5 === 0 ? null : `{"n":${n},"tag":"${texts[n % 7]}"}`,
    n % 19 === 0 ? null : n * 1_000_003,
    n % 7 === 0 ? null : n / 8,
    n % 11 === 0 ? null : n % 3 === 0,
    micros('2026-11-22T00:00:00Z', n * 1_000_003),
  ]);
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What a JSON string would escape: a scanner gives such text as a JS string, not as bytes. */
const ESCAPED_IN_JSON = /["\\\u0000-\u001f]/;

function caseOf(uuid: string, how: UuidCase): string {
  if (how === 'upper') return uuid.toUpperCase();
  if (how === 'lower') return uuid;
  return [...uuid].map((ch, k) => (k % 2 === 0 ? ch.toUpperCase() : ch)).join('');
}

/**
 * Pushes the rows as a byte scanner would: `rowsPerChunk` rows to a chunk of JSON-like bytes, each
 * string it can take as bytes (a uuid; text with nothing JSON escapes; json text without a
 * backslash or control character) between quotes at an odd offset and given by its range, with
 * uuids in upper, lower or mixed case by turns; the rest, and every string of each fourth row (a
 * record the scanner had to parse), as JS values. Odd chunks are plain Uint8Arrays inside a larger
 * buffer, even ones Node's pooled Buffers. One values/starts/ends triple is reused for all rows, and
 * each chunk is overwritten once its rows are in: the writer must have copied the bytes.
 */
function pushScannedRows(
  writer: ParquetStageWriter,
  rows: readonly Row[],
  rowsPerChunk: number,
  options: { cases?: UuidCase[] } = {},
): void {
  const cases = options.cases ?? ['upper', 'lower', 'mixed'];
  const width = ALL.columns.length;
  const values: unknown[] = new Array(width);
  const starts = new Int32Array(width),
    ends = new Int32Array(width);
  for (let first = 0, chunkNo = 0; first < rows.length; first += rowsPerChunk, chunkNo++) {
    const parts: Buffer[] = [];
    let length = 0;
    const ranges: Array<Array<[number, number] | undefined>> = [];
    const add = (bytes: Buffer) => {
      parts.push(bytes);
      length += bytes.length;
    };
    for (const [k, row] of rows.slice(first, first + rowsPerChunk).entries()) {
      const n = first + k;
      const rowRanges: Array<[number, number] | undefined> = [];
      add(Buffer.from(`{"n":${n}${' '.repeat(n % 4)}`));
      for (let i = 0; i < width; i++) {
        const v = row[i];
        const isUuid = ALL.uuidColumns[i] === true;
        const asBytes =
          n % 4 !== 3 &&
          typeof v === 'string' &&
          (isUuid ? UUID_TEXT.test(v) : !(i === 3 ? /[\\\u0000-\u001f]/ : ESCAPED_IN_JSON).test(v));
        if (!asBytes) {
          rowRanges.push(undefined);
          continue;
        }
        const text = isUuid ? caseOf(v, cases[n % cases.length]!) : v;
        add(Buffer.from(`,"${ALL.columns[i]!.name}":"`));
        const bytes = Buffer.from(text, 'utf8');
        rowRanges.push([length, length + bytes.length]);
        add(bytes);
        add(Buffer.from('"'));
      }
      add(Buffer.from('}\n'));
      ranges.push(rowRanges);
    }
    let src: Uint8Array = Buffer.concat(parts, length);
    if (chunkNo % 2 === 1) {
      const larger = new Uint8Array(length + 7);
      larger.set(src, 3);
      src = larger.subarray(3, 3 + length);
    }
    for (const [k, rowRanges] of ranges.entries()) {
      const row = rows[first + k]!;
      for (let i = 0; i < width; i++) {
        const range = rowRanges[i];
        // A value the writer must not read where a range is given.
        values[i] = range === undefined ? row[i] : 'unused';
        starts[i] = range === undefined ? -1 : range[0];
        ends[i] = range === undefined ? -1 : range[1];
      }
      writer.pushScanned('all_types', src, values, starts, ends);
    }
    src.fill(0xff);
  }
}

/** Byte-identical files, checked column chunk by column chunk first so that a difference names its column. */
function expectSameFile(actualPath: string, expectedPath: string): void {
  const chunksOf = (path: string) => {
    const file = readFileSync(path);
    return parquetMetadata(bytesOf(path)).row_groups.flatMap((g, n) =>
      g.columns.map((c) => {
        const md = c.meta_data!;
        const from = Number(md.data_page_offset);
        return {
          at: `row group ${n}, column ${md.path_in_schema.join('.')}`,
          bytes: file.subarray(from, from + Number(md.total_compressed_size)),
        };
      }),
    );
  };
  const actual = chunksOf(actualPath),
    expected = chunksOf(expectedPath);
  expect(actual.map((c) => c.at)).toEqual(expected.map((c) => c.at));
  for (const [n, chunk] of actual.entries()) expect(Buffer.compare(chunk.bytes, expected[n]!.bytes), chunk.at).toBe(0);
  expect(Buffer.compare(readFileSync(actualPath), readFileSync(expectedPath))).toBe(0);
}
