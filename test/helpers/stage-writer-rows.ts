/** Rows of every column type and edge value for ParquetStageWriter's tests, written and read back by DuckDB and hyparquet. */
import { parquetReadObjects, type FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { z } from 'zod';
import { ParquetStageWriter, type StageWriterOptions } from '../../core/parquet-stage-writer';
import { defineEvent } from '../../schemas/define-event';
import { boolean, integer, jsonText, number, string, timestamp, uuid } from '../../schemas/fields';
import { duckDbScratch } from './duckdb-scratch';

/** One column of each type, all nullable but `id`; rows are pushed as the pipeline does: arrays in column order. */
export const ALL = defineEvent({
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
export const OTHER = defineEvent({ tag: 'other_table', uniqueKey: ['id'], fields: { id: uuid() } });

export type Row = [
  id: string,
  u: string | null,
  s: string | null,
  j: string | null,
  i: number | null,
  d: number | null,
  b: boolean | null,
  t: number | null,
];

export const id = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def012345678`;
export const micros = (iso: string, extra = 0) => Date.parse(iso) * 1000 + extra;

export const EDGE_ROWS: Row[] = [
  [id(1), id(101), 'plain', '{"a":1}', 42, 1.5, true, micros('2026-11-22T10:00:00Z', 123)],
  [id(2), null, null, null, null, null, null, null],
  [id(3), id(103), '', '""', 0, 0, false, 0],
  [id(4), id(104), 'héllo wörld ✓ 日本語', '{"emoji":"😀","clef":"𝄞"}', Number.MAX_SAFE_INTEGER, -0, true, -1],
  [
    id(5),
    id(105),
    '😀𝄞 astral only',
    '["line1\\nline2","tab\\t","quote\\"q\\"",{"back\\\\slash":null}]',
    Number.MIN_SAFE_INTEGER,
    5e-324,
    false,
    1,
  ],
  [
    id(6),
    id(106),
    'real\nnewlines\r\nand "quotes", commas',
    '{\n  "pretty": true\n}',
    2 ** 32,
    Number.MAX_VALUE,
    null,
    micros('1969-07-20T20:17:40Z', 999),
  ],
  [
    id(7),
    id(107),
    ' leading and trailing ',
    'null',
    -(2 ** 32),
    -Number.MAX_VALUE,
    true,
    micros('1900-01-01T00:00:00Z', -1),
  ],
  [id(8), id(108), 'x'.repeat(70_000), '[]', 2 ** 31 - 1, -1.5e-300, false, micros('2200-12-31T23:59:59Z', 999_999)],
  [
    id(9),
    id(109),
    '\u00a0\u2028\u2029 separators',
    '{}',
    -(2 ** 31),
    0.1 + 0.2,
    true,
    micros('1970-01-01T00:00:00Z', -123_456),
  ],
  [id(10), id(110), 'NULL', 'true', -1, 1 / 3, null, micros('2000-02-29T12:34:56Z', 789_012)],
  // Not a uuid in a uuid column (validation never lets one through): still written as given.
  [id(11), 'not-a-uuid ✓', 'a', '1', 1, -123456.789, true, micros('2038-01-19T03:14:08Z')],
  // The timestamp is 2^53 - 1 microseconds, the last one a JS number holds exactly.
  [id(12), id(112), 'b', '2', 2, 1e21, false, micros('2255-06-05T23:47:34Z', 740_991)],
];

/** The file's scratch space, with writing rows into it (push, or `pushing`) and reading them back with DuckDB. */
export function stageWriterScratch(prefix: string) {
  const scratch = duckDbScratch(prefix);
  let runs = 0;
  /** Writes the rows with `push`, or with `pushing` when given (e.g. pushScanned). */
  async function write(
    rows: readonly Row[],
    options: Partial<StageWriterOptions> = {},
    pushing?: (writer: ParquetStageWriter) => void,
  ) {
    const dir = join(scratch.root, `run-${++runs}`);
    const writer = ParquetStageWriter.open([ALL, OTHER], { workDir: dir, ...options });
    if (pushing) pushing(writer);
    else for (const row of rows) writer.push('all_types', row);
    const written = writer.finish(dir);
    return { dir, written, path: written.get('all_types')?.path ?? '' };
  }

  async function duckRows(path: string): Promise<Row[]> {
    const reader = await scratch.db.runAndReadAll(
      `SELECT id, u, s, j, i, d, b, epoch_us(t) AS t FROM read_parquet('${path}', file_row_number = true) ORDER BY file_row_number`,
    );
    return reader
      .getRowObjects()
      .map((r) => [
        r.id as string,
        r.u as string | null,
        r.s as string | null,
        r.j as string | null,
        r.i === null ? null : Number(r.i as bigint),
        r.d as number | null,
        r.b as boolean | null,
        r.t === null ? null : Number(r.t as bigint),
      ]);
  }

  return { scratch, write, duckRows };
}

export function bytesOf(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
export async function hyparquetRows(path: string): Promise<Row[]> {
  const objects = await parquetReadObjects({
    file: bytesOf(path),
    parsers: { timestampFromMicroseconds: (m: bigint) => m },
  });
  return objects.map((r) => [
    r.id as string,
    r.u as string | null,
    r.s as string | null,
    r.j as string | null,
    r.i === null ? null : Number(r.i as bigint),
    r.d as number | null,
    r.b as boolean | null,
    r.t === null ? null : Number(r.t as bigint),
  ]);
}

/** toEqual treats -0 and 0 as equal: doubles are compared by Object.is as well. */
export function expectExactly(actual: Row[], expected: readonly Row[]): void {
  expect(actual).toEqual(expected);
  actual.forEach((row, n) =>
    expect(Object.is(row[5], expected[n]![5]), `row ${n}: d ${row[5]} vs ${expected[n]![5]}`).toBe(true),
  );
}

export interface PageInfo {
  type: string;
  encoding?: string;
  levels?: string;
  values: number;
}

export function pagesOf(buffer: ArrayBuffer, metadata: FileMetaData): PageInfo[][][] {
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
export function manyRows(count: number): Row[] {
  return Array.from({ length: count }, (_, n): Row => [
    id(n),
    n % 97 === 0 ? null : id(n % 300),
    `weapon_${n % 30}${n % 1000 === 0 ? ' ✓' : ''}`,
    n % 5 === 0 ? null : `{"n":${n}}`,
    n,
    n % 7 === 0 ? null : n / 8,
    n % 11 === 0 ? null : n % 3 === 0,
    micros('2026-11-22T00:00:00Z', n * 1_000_003),
  ]);
}
