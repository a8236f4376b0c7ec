/**
 * ParquetStageWriter: every column type, nulls and edge values, read back exactly by DuckDB and by
 * hyparquet; several pages and row groups (by rows and by the byte budget); the Parquet types,
 * page kind and footer entry DuckDB's writer gave these columns; no file for a table without rows;
 * the same bytes for the same rows; no descriptor left open between row groups. pushScanned is
 * tested in parquet-stage-writer-scanned.test.ts.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, test } from 'vitest';
import { COLUMNS_METADATA_KEY, ParquetStageWriter } from '../../core/parquet-stage-writer';
import {
  ALL,
  bytesOf,
  EDGE_ROWS,
  expectExactly,
  hyparquetRows,
  id,
  manyRows,
  OTHER,
  pagesOf,
  stageWriterScratch,
} from '../helpers/stage-writer-rows';

const { scratch, write, duckRows } = stageWriterScratch('loadout-parquet-writer-');

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
      ['id', 'VARCHAR'],
      ['u', 'VARCHAR'],
      ['s', 'VARCHAR'],
      ['j', 'VARCHAR'],
      ['i', 'BIGINT'],
      ['d', 'DOUBLE'],
      ['b', 'BOOLEAN'],
      ['t', 'TIMESTAMP WITH TIME ZONE'],
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
        name: 't',
        type: 'INT64',
        repetition_type: 'OPTIONAL',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      },
    ]);
    const entry = metadata.key_value_metadata?.find((kv) => kv.key === COLUMNS_METADATA_KEY);
    // Text columns carry their byte bound, so a later load sizes an older fingerprint's staging table to it.
    expect(JSON.parse(entry!.value!)).toEqual(
      ALL.columns.map(({ name, type, nullable, maxBytes }) => ({
        name,
        type,
        nullable,
        ...(maxBytes === undefined ? {} : { maxBytes }),
      })),
    );
    expect(JSON.parse(entry!.value!).filter((c: { maxBytes?: number }) => c.maxBytes !== undefined)).not.toEqual([]);
    const chunks = metadata.row_groups[0]!.columns;
    expect(chunks.map((c) => [c.meta_data!.codec, c.meta_data!.encodings])).toEqual(
      ALL.columns.map(() => ['SNAPPY', ['PLAIN']]),
    );
    expect(chunks.map((c) => Number(c.meta_data!.statistics!.null_count))).toEqual([0, 1, 1, 1, 1, 1, 3, 1]);
    // Range statistics of the numeric columns, -0 for a zero minimum as the spec asks.
    const stats = (n: number) => chunks[n]!.meta_data!.statistics!;
    expect([stats(4).min_value, stats(4).max_value]).toEqual([
      BigInt(Number.MIN_SAFE_INTEGER),
      BigInt(Number.MAX_SAFE_INTEGER),
    ]);
    expect([stats(5).min_value, stats(5).max_value]).toEqual([-Number.MAX_VALUE, Number.MAX_VALUE]);
    for (const page of pagesOf(buffer, metadata).flat(2))
      expect(page).toMatchObject({ type: 'DATA_PAGE', encoding: 'PLAIN', levels: 'RLE' });
  });

  test('row groups of rowGroupSize rows, each column chunk in several pages, values exact', async () => {
    const rows = manyRows(25_000);
    const { path } = await write(rows, { rowGroupSize: 10_000, pageBytes: 8192 });
    const buffer = bytesOf(path);
    const metadata = parquetMetadata(buffer);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10_000, 10_000, 5_000]);
    const pages = pagesOf(buffer, metadata);
    for (const [g, group] of pages.entries()) {
      for (const chunk of group)
        expect(chunk.reduce((n, p) => n + p.values, 0)).toBe(Number(metadata.row_groups[g]!.num_rows));
      // 8 KiB pages: 1,024 int64 values each (the `i` column, all present), the rest in the last.
      const rowsOfGroup = Number(metadata.row_groups[g]!.num_rows);
      const expected = Array.from({ length: Math.floor(rowsOfGroup / 1024) }, () => 1024);
      if (rowsOfGroup % 1024 > 0) expected.push(rowsOfGroup % 1024);
      expect(group[4]!.map((p) => p.values)).toEqual(expected);
    }
    expectExactly(await duckRows(path), rows);
    expectExactly(await hyparquetRows(path), rows);
  });

  test('column buffers start small and double up to a page: default 64 KiB pages, values exact', async () => {
    // 1 KiB of values to start (INITIAL_VALUE_BYTES): `i` grows six times to 8,192 values a page, `b` to 20,000 booleans.
    const rows = manyRows(20_000);
    const { path } = await write(rows);
    const buffer = bytesOf(path);
    const metadata = parquetMetadata(buffer);
    const [group] = pagesOf(buffer, metadata);
    expect(group![4]!.map((p) => p.values)).toEqual([8192, 8192, 3616]);
    expect(group![6]!.map((p) => p.values)).toEqual([20_000]);
    expectExactly(await duckRows(path), rows);
    expectExactly(await hyparquetRows(path), rows);
  });

  test('a row group of more page parts than one writev call takes (IOV_MAX, 1,024) is written whole', async () => {
    const rows = manyRows(4_000);
    const { path } = await write(rows, { pageBytes: 64 });
    const buffer = bytesOf(path);
    const [group] = pagesOf(buffer, parquetMetadata(buffer));
    expect(group!.reduce((n, chunk) => n + 2 * chunk.length, 0)).toBeGreaterThan(4096);
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
});
