/**
 * ParquetStageWriter: every column type, nulls and edge values, read back exactly by DuckDB and by
 * hyparquet; several pages and row groups (by rows and by the byte budget); the Parquet types,
 * page kind and footer entry DuckDB's writer gave these columns; no file for a table without rows;
 * the same bytes for the same rows; no descriptor left open between row groups. pushScanned (values
 * as byte ranges of a scanned chunk): the same file bytes as push of the same rows as strings, in
 * one or several pages and row groups, mixed with push, read back by DuckDB.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { COLUMNS_METADATA_KEY, ParquetStageWriter, type StageWriterOptions } from '../../core/parquet-stage-writer';
import { defineEvent } from '../../schemas/define-event';
import { duckDbScratch } from '../helpers/duckdb-scratch';
import { boolean, integer, jsonText, number, string, timestamp, uuid } from '../../schemas/fields';

/** One column of each type, all nullable but `id`; rows are pushed as the pipeline does: arrays in column order. */
const ALL = defineEvent({
  tag: 'all_types',
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    u: uuid().optional(),
    s: string({ min: 0, max: 100_000 }).optional(),
    j: jsonText(z.unknown()).optional(),
    i: integer().optional(),
    d: number().optional(),
    b: boolean().optional(),
    t: timestamp().optional(),
  },
});
const OTHER = defineEvent({ tag: 'other_table', uniqueKey: ['id'], fields: { id: uuid() } });

type Row = [id: string, u: string | null, s: string | null, j: string | null, i: number | null, d: number | null, b: boolean | null, t: number | null];

const id = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def012345678`;
const micros = (iso: string, extra = 0) => Date.parse(iso) * 1000 + extra;

const EDGE_ROWS: Row[] = [
  [id(1), id(101), 'plain', '{"a":1}', 42, 1.5, true, micros('2026-11-22T10:00:00Z', 123)],
  [id(2), null, null, null, null, null, null, null],
  [id(3), id(103), '', '""', 0, 0, false, 0],
  [id(4), id(104), 'héllo wörld ✓ 日本語', '{"emoji":"😀","clef":"𝄞"}', Number.MAX_SAFE_INTEGER, -0, true, -1],
  [id(5), id(105), '😀𝄞 astral only', '["line1\\nline2","tab\\t","quote\\"q\\"",{"back\\\\slash":null}]', Number.MIN_SAFE_INTEGER, 5e-324, false, 1],
  [id(6), id(106), 'real\nnewlines\r\nand "quotes", commas', '{\n  "pretty": true\n}', 2 ** 32, Number.MAX_VALUE, null, micros('1969-07-20T20:17:40Z', 999)],
  [id(7), id(107), ' leading and trailing ', 'null', -(2 ** 32), -Number.MAX_VALUE, true, micros('1900-01-01T00:00:00Z', -1)],
  [id(8), id(108), 'x'.repeat(70_000), '[]', 2 ** 31 - 1, -1.5e-300, false, micros('2200-12-31T23:59:59Z', 999_999)],
  [id(9), id(109), '\u00a0\u2028\u2029 separators', '{}', -(2 ** 31), 0.1 + 0.2, true, micros('1970-01-01T00:00:00Z', -123_456)],
  [id(10), id(110), 'NULL', 'true', -1, 1 / 3, null, micros('2000-02-29T12:34:56Z', 789_012)],
  // Not a uuid in a uuid column (validation never lets one through): still written as given.
  [id(11), 'not-a-uuid ✓', 'a', '1', 1, -123456.789, true, micros('2038-01-19T03:14:08Z')],
  // The timestamp is 2^53 - 1 microseconds, the last one a JS number holds exactly.
  [id(12), id(112), 'b', '2', 2, 1e21, false, micros('2255-06-05T23:47:34Z', 740_991)],
];

const scratch = duckDbScratch('loadout-parquet-writer-');

let runs = 0;
/** Writes the rows with `push`, or with `pushing` when given (e.g. pushScanned). */
async function write(rows: readonly Row[], options: Partial<StageWriterOptions> = {}, pushing?: (writer: ParquetStageWriter) => void) {
  const dir = join(scratch.root, `run-${++runs}`);
  const writer = ParquetStageWriter.open([ALL, OTHER], { workDir: dir, ...options });
  if (pushing) pushing(writer);
  else for (const row of rows) writer.push('all_types', row);
  const written = writer.finish(dir);
  return { dir, written, path: written.get('all_types')?.path ?? '' };
}

function bytesOf(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function duckRows(path: string): Promise<Row[]> {
  const reader = await scratch.db.runAndReadAll(
    `SELECT id, u, s, j, i, d, b, epoch_us(t) AS t FROM read_parquet('${path}', file_row_number = true) ORDER BY file_row_number`,
  );
  return reader.getRowObjects().map((r) => [
    r.id as string, r.u as string | null, r.s as string | null, r.j as string | null,
    r.i === null ? null : Number(r.i as bigint), r.d as number | null, r.b as boolean | null, r.t === null ? null : Number(r.t as bigint),
  ]);
}

async function hyparquetRows(path: string): Promise<Row[]> {
  const objects = await parquetReadObjects({ file: bytesOf(path), parsers: { timestampFromMicroseconds: (m: bigint) => m } });
  return objects.map((r) => [
    r.id as string, r.u as string | null, r.s as string | null, r.j as string | null,
    r.i === null ? null : Number(r.i as bigint), r.d as number | null, r.b as boolean | null, r.t === null ? null : Number(r.t as bigint),
  ]);
}

/** toEqual treats -0 and 0 as equal: doubles are compared by Object.is as well. */
function expectExactly(actual: Row[], expected: readonly Row[]): void {
  expect(actual).toEqual(expected);
  actual.forEach((row, n) => expect(Object.is(row[5], expected[n]![5]), `row ${n}: d ${row[5]} vs ${expected[n]![5]}`).toBe(true));
}

interface PageInfo { type: string; encoding?: string; levels?: string; values: number }

function pagesOf(buffer: ArrayBuffer, metadata: FileMetaData): PageInfo[][][] {
  return metadata.row_groups.map((group) =>
    group.columns.map((chunk) => {
      const md = chunk.meta_data!;
      const reader = { view: new DataView(buffer), offset: Number(md.data_page_offset) };
      const end = reader.offset + Number(md.total_compressed_size);
      const pages: PageInfo[] = [];
      while (reader.offset < end) {
        const header = parquetHeader(reader);
        pages.push({
          type: header.type,
          encoding: header.data_page_header?.encoding,
          levels: header.data_page_header?.definition_level_encoding,
          values: header.data_page_header?.num_values ?? 0,
        });
        reader.offset += header.compressed_page_size;
      }
      return pages;
    }),
  );
}

/** Rows with a serial number in `i`, uuids that repeat like session ids, and a null now and then. */
function manyRows(count: number): Row[] {
  return Array.from({ length: count }, (_, n): Row => [
    id(n), n % 97 === 0 ? null : id(n % 300), `weapon_${n % 30}${n % 1000 === 0 ? ' ✓' : ''}`, n % 5 === 0 ? null : `{"n":${n}}`,
    n, n % 7 === 0 ? null : n / 8, n % 11 === 0 ? null : n % 3 === 0, micros('2026-11-22T00:00:00Z', n * 1_000_003),
  ]);
}

describe('ParquetStageWriter', () => {
  test('every column type, nulls and edge values read back exactly by DuckDB and by hyparquet', async () => {
    const { path, written } = await write(EDGE_ROWS);
    expect(written.get('all_types')).toEqual({ path, rows: EDGE_ROWS.length });
    expectExactly(await duckRows(path), EDGE_ROWS);
    expectExactly(await hyparquetRows(path), EDGE_ROWS);
  });

  // A lone surrogate has no UTF-8 form: Node writes U+FFFD for it, as the CSV text staged before did.
  test('a lone surrogate is stored as U+FFFD, the UTF-8 replacement character', async () => {
    const { path } = await write([[id(1), null, 'a\ud800b', '"\udfff"', null, null, null, null]]);
    const [row] = await duckRows(path);
    expect(row![2]).toBe('a\ufffdb');
    expect(row![3]).toBe('"\ufffd"');
  });

  test('DuckDB reads the same column types as from the files its own writer staged', async () => {
    const { path } = await write(EDGE_ROWS);
    const reader = await scratch.db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    expect(reader.getRowObjects().map((r) => [r.column_name, r.column_type])).toEqual([
      ['id', 'VARCHAR'], ['u', 'VARCHAR'], ['s', 'VARCHAR'], ['j', 'VARCHAR'], ['i', 'BIGINT'], ['d', 'DOUBLE'], ['b', 'BOOLEAN'], ['t', 'TIMESTAMP WITH TIME ZONE'],
    ]);
  });

  test('footer: the types, repetition and codec DuckDB gave these columns, V1 PLAIN pages, the loadout.columns entry', async () => {
    const { path } = await write(EDGE_ROWS);
    const buffer = bytesOf(path);
    const metadata = parquetMetadata(buffer);
    expect(metadata.version).toBe(1);
    expect(metadata.num_rows).toBe(BigInt(EDGE_ROWS.length));
    expect(metadata.schema.slice(1)).toEqual([
      { name: 'id', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      { name: 'u', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      { name: 's', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      { name: 'j', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
      { name: 'i', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'INT_64' },
      { name: 'd', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'b', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
      {
        name: 't', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      },
    ]);
    const entry = metadata.key_value_metadata?.find((kv) => kv.key === COLUMNS_METADATA_KEY);
    expect(JSON.parse(entry!.value!)).toEqual(ALL.columns.map(({ name, type, nullable }) => ({ name, type, nullable })));
    const chunks = metadata.row_groups[0]!.columns;
    expect(chunks.map((c) => [c.meta_data!.codec, c.meta_data!.encodings])).toEqual(ALL.columns.map(() => ['SNAPPY', ['PLAIN']]));
    expect(chunks.map((c) => Number(c.meta_data!.statistics!.null_count))).toEqual([0, 1, 1, 1, 1, 1, 3, 1]);
    // Range statistics of the numeric columns, -0 for a zero minimum as the spec asks.
    const stats = (n: number) => chunks[n]!.meta_data!.statistics!;
    expect([stats(4).min_value, stats(4).max_value]).toEqual([BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)]);
    expect([stats(5).min_value, stats(5).max_value]).toEqual([-Number.MAX_VALUE, Number.MAX_VALUE]);
    for (const page of pagesOf(buffer, metadata).flat(2)) expect(page).toMatchObject({ type: 'DATA_PAGE', encoding: 'PLAIN', levels: 'RLE' });
  });

  test('row groups of rowGroupSize rows, each column chunk in several pages, values exact', async () => {
    const rows = manyRows(25_000);
    const { path } = await write(rows, { rowGroupSize: 10_000, pageBytes: 8192 });
    const buffer = bytesOf(path);
    const metadata = parquetMetadata(buffer);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10_000, 10_000, 5_000]);
    const pages = pagesOf(buffer, metadata);
    for (const [g, group] of pages.entries()) {
      for (const chunk of group) expect(chunk.reduce((n, p) => n + p.values, 0)).toBe(Number(metadata.row_groups[g]!.num_rows));
      // 8 KiB pages: 1,024 int64 values each (the `i` column, all present), the rest in the last.
      const rowsOfGroup = Number(metadata.row_groups[g]!.num_rows);
      const expected = Array.from({ length: Math.floor(rowsOfGroup / 1024) }, () => 1024);
      if (rowsOfGroup % 1024 > 0) expected.push(rowsOfGroup % 1024);
      expect(group[4]!.map((p) => p.values)).toEqual(expected);
    }
    expectExactly(await duckRows(path), rows);
    expectExactly(await hyparquetRows(path), rows);
  });

  test('a row group is cut at the byte budget before it has rowGroupSize rows', async () => {
    const rows = manyRows(12_000);
    const { path } = await write(rows, { rowGroupBytes: 256 * 1024 });
    const groups = parquetMetadata(bytesOf(path)).row_groups.map((g) => Number(g.num_rows));
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.reduce((a, b) => a + b, 0)).toBe(rows.length);
    // The budget is checked every 64 rows, and ~104 bytes of values a row make ~2,500 rows per group.
    for (const n of groups.slice(0, -1)) {
      expect(n % 64).toBe(0);
      expect(n).toBeLessThan(3_000);
    }
    expectExactly(await duckRows(path), rows);
    expectExactly(await hyparquetRows(path), rows);
  });

  test('the same rows give the same bytes (a retried batch overwrites its files with the same ones)', async () => {
    const rows = manyRows(3_000);
    const a = await write(rows, { pageBytes: 4096 });
    const b = await write(rows, { pageBytes: 4096 });
    expect(Buffer.compare(readFileSync(a.path), readFileSync(b.path))).toBe(0);
  });

  test('no file for a table without rows, and only finished files in the directory', async () => {
    const { dir, written } = await write(EDGE_ROWS);
    expect([...written.keys()]).toEqual(['all_types']);
    expect(readdirSync(dir).sort()).toEqual(['all_types.parquet']);
  });

  test('rowsOf counts the rows pushed; the writer refuses rows after finish', async () => {
    const dir = join(scratch.root, 'finished');
    const writer = ParquetStageWriter.open([ALL, OTHER], { workDir: dir, rowGroupSize: 2 });
    for (const row of EDGE_ROWS.slice(0, 5)) writer.push('all_types', row);
    expect(writer.rowsOf('all_types')).toBe(5);
    expect(writer.rowsOf('other_table')).toBe(0);
    expect(() => writer.push('no_such_table', [])).toThrow(/no event type for table no_such_table/);
    writer.finish(dir);
    expect(() => writer.push('all_types', EDGE_ROWS[0]!)).toThrow(/finished/);
    expect(() => writer.finish(dir)).toThrow(/finished/);
  });

  test('a writer dropped between row groups (a failed batch) leaves no file descriptor open', async () => {
    const dir = join(scratch.root, 'dropped');
    const writer = ParquetStageWriter.open([ALL], { workDir: dir, rowGroupSize: 1_000 });
    for (const row of manyRows(2_500)) writer.push('all_types', row);
    const partial = join(dir, 'all_types.parquet.partial');
    expect(existsSync(partial)).toBe(true);
    const open = readdirSync('/proc/self/fd').map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(open.filter((target) => target.startsWith(dir))).toEqual([]);
  });

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
        ['ffffffff-ffff-4fff-bfff-ffffffffffff', '00000000-0000-4000-8000-000000000000', null, null, null, null, null, null],
      ];
      const scannedFile = await write(rows, {}, (w) => pushScannedRows(w, rows, 1, { cases: ['upper', 'mixed'] }));
      expectSameFile(scannedFile.path, (await write(rows)).path);
      expect(await duckRows(scannedFile.path)).toEqual(rows);
    });

    test('text of every length around the word copy, empty and multi-byte: same bytes as push, read back exactly', async () => {
      const texts = [
        '', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é', 'ü✓', '日本語', '😀', '😀𝄞x', 'héllo wörld ✓ 日本語',
        ...[3, 4, 5, 127, 128, 129, 130, 255, 4096, 70_000].flatMap((n) => ['y'.repeat(n), 'é'.repeat(n >> 1) + 'z'.repeat(n & 1)]),
      ];
      const rows = texts.map((t, n): Row => [id(n), null, t, t === '' ? '""' : JSON.stringify({ t }), n, null, null, null]);
      for (const pageBytes of [100, 65_536]) {
        const scannedFile = await write(rows, { pageBytes }, (w) => pushScannedRows(w, rows, 5));
        expectSameFile(scannedFile.path, (await write(rows, { pageBytes })).path);
        expect(await duckRows(scannedFile.path)).toEqual(rows);
      }
    });

    test('many rows in small pages and row groups (by rows and by the byte budget): same bytes as push, read back exactly', async () => {
      const rows = scannableRows(6_000);
      for (const options of [{ rowGroupSize: 1_000, pageBytes: 1024 }, { rowGroupBytes: 64 * 1024, pageBytes: 4096 }]) {
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
      expect(() => writer.pushScanned('no_such_table', new Uint8Array(0), [], none, none)).toThrow(/no event type for table no_such_table/);
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
    id(n), n % 13 === 0 ? null : id(n % 400), n % 17 === 0 ? null : `${texts[n % texts.length]}${n % 3 === 0 ? n : ''}`,
    n % 5 === 0 ? null : `{"n":${n},"tag":"${texts[n % 7]}"}`, n % 19 === 0 ? null : n * 1_000_003, n % 7 === 0 ? null : n / 8,
    n % 11 === 0 ? null : n % 3 === 0, micros('2026-11-22T00:00:00Z', n * 1_000_003),
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
function pushScannedRows(writer: ParquetStageWriter, rows: readonly Row[], rowsPerChunk: number, options: { cases?: UuidCase[] } = {}): void {
  const cases = options.cases ?? ['upper', 'lower', 'mixed'];
  const width = ALL.columns.length;
  const values: unknown[] = new Array(width);
  const starts = new Int32Array(width), ends = new Int32Array(width);
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
        const asBytes = n % 4 !== 3 && typeof v === 'string' && (isUuid ? UUID_TEXT.test(v) : !(i === 3 ? /[\\\u0000-\u001f]/ : ESCAPED_IN_JSON).test(v));
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
        return { at: `row group ${n}, column ${md.path_in_schema.join('.')}`, bytes: file.subarray(from, from + Number(md.total_compressed_size)) };
      }),
    );
  };
  const actual = chunksOf(actualPath), expected = chunksOf(expectedPath);
  expect(actual.map((c) => c.at)).toEqual(expected.map((c) => c.at));
  for (const [n, chunk] of actual.entries()) expect(Buffer.compare(chunk.bytes, expected[n]!.bytes), chunk.at).toBe(0);
  expect(Buffer.compare(readFileSync(actualPath), readFileSync(expectedPath))).toBe(0);
}
