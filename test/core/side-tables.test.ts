/** The core's lineage outputs: `_loadout_batch` in every staged file, rejects and unknown events as tables. */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parquetMetadata } from 'hyparquet';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import { BatchProcessor } from '../../core/batch-processor';
import { COLUMNS_METADATA_KEY } from '../../core/parquet-stage-writer';
import { MAX_RECORD_BYTES, cutUtf8 } from '../../core/side-tables';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { duckDbScratch } from '../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

const scratch = duckDbScratch('loadout-side-tables-');
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const BATCH = 'b'.repeat(32);
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const end = (n: number) =>
  `{"event":"session_end","id":"${uuid(n)}","date":"2026-11-22T10:00:00Z","psess":"${uuid(99)}","duration_s":${n},"reason":"quit"}`;

async function rows(path: string, columns: string, orderBy: string) {
  const reader = await scratch.db.runAndReadAll(`SELECT ${columns} FROM read_parquet('${path}') ORDER BY ${orderBy}`);
  return reader.getRowObjects();
}

test('cutUtf8 keeps whole characters within the byte limit and says when it cut', () => {
  expect(cutUtf8('abc', 3)).toEqual(['abc', false]);
  expect(cutUtf8('abcd', 3)).toEqual(['abc', true]);
  expect(cutUtf8('aé', 2)).toEqual(['a', true]);
  expect(cutUtf8('aé', 3)).toEqual(['aé', false]);
  expect(cutUtf8('a😀b', 4)).toEqual(['a', true]);
  expect(cutUtf8('a😀b', 5)).toEqual(['a😀', true]);
  expect(cutUtf8('é'.repeat(40_000), MAX_RECORD_BYTES)[0]).toHaveLength(32_767);
});

test('with its lineage, a batch stages _loadout_batch in every file and its rejects and unknown records as tables', async () => {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(scratch.root, 'lineage'),
    personal: TEST_PERSONAL_KEYS,
    lineage: { batchId: BATCH, source: 's3://bucket/raw' },
  });
  const body = [
    end(1),
    `{"event":"session_end","id":"${uuid(2)}"}`,
    '{"event":"session_end", oops',
    `{"event":"mystery","n":1}${end(3)}`,
    `${end(4)}{"event":"mystery","n":2}`,
  ].join('\n');
  expect(await processor.processObject('day/a.json', Readable.from([Buffer.from(body)]))).toBeUndefined();
  const out = await processor.finish();

  const staged = out.tables.find((t) => t.table === 'session_end')!;
  expect(await rows(staged.path, 'id, _loadout_batch', 'id')).toEqual(
    [1, 3, 4].map((n) => ({ id: uuid(n), _loadout_batch: BATCH })),
  );
  const bytes = readFileSync(staged.path);
  const footer = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const declared = JSON.parse(footer.key_value_metadata!.find((kv) => kv.key === COLUMNS_METADATA_KEY)!.value!) as {
    name: string;
  }[];
  expect(declared.at(-1)).toEqual({ name: '_loadout_batch', type: 'string', nullable: true });

  const sides = Object.fromEntries(out.sideTables!.map((f) => [f.table, f]));
  expect(Object.keys(sides).sort()).toEqual(['loadout_rejects', 'loadout_unknown']);
  expect(sides.loadout_rejects!.rows).toBe(out.stats.rejected);
  expect(
    await rows(
      sides.loadout_rejects!.path,
      'source, key, line, record_index, table_name, event, field, record, record_truncated, _loadout_batch',
      'line, record_index',
    ),
  ).toEqual([
    {
      source: 's3://bucket/raw',
      key: 'day/a.json',
      line: 2n,
      record_index: 0n,
      table_name: 'session_end',
      event: 'session_end',
      field: 'date',
      record: `{"event":"session_end","id":"${uuid(2)}"}`,
      record_truncated: false,
      _loadout_batch: BATCH,
    },
    {
      source: 's3://bucket/raw',
      key: 'day/a.json',
      line: 3n,
      record_index: 0n,
      table_name: null,
      event: null,
      field: null,
      record: '{"event":"session_end", oops',
      record_truncated: false,
      _loadout_batch: BATCH,
    },
  ]);
  expect(
    await rows(sides.loadout_unknown!.path, 'key, line, record_index, event, record, _loadout_batch', 'line'),
  ).toEqual([
    {
      key: 'day/a.json',
      line: 4n,
      record_index: 0n,
      event: 'mystery',
      record: '{"event":"mystery","n":1}',
      _loadout_batch: BATCH,
    },
    {
      key: 'day/a.json',
      line: 5n,
      record_index: 1n,
      event: 'mystery',
      record: '{"event":"mystery","n":2}',
      _loadout_batch: BATCH,
    },
  ]);
});

test('without a lineage (the bench, older callers) the staged files are the declared columns only', async () => {
  const processor = new BatchProcessor({ catalog, workDir: join(scratch.root, 'plain'), personal: TEST_PERSONAL_KEYS });
  await processor.processObject('a.json', Readable.from([Buffer.from(`${end(1)}\n{"event":"mystery"}\n`)]));
  const out = await processor.finish();
  expect(out.sideTables).toEqual([]);
  const columns = await scratch.db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${out.tables[0]!.path}')`);
  expect(columns.getRowObjects().map((r) => r.column_name)).toEqual(
    catalog.table('session_end')!.columns.map((c) => c.name),
  );
});

test('a personal field rejected: its value is neither in the record text nor in the reason of the rejects table', async () => {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(scratch.root, 'personal'),
    personal: TEST_PERSONAL_KEYS,
    lineage: { batchId: BATCH, source: 's3://bucket/raw' },
  });
  const tooLong = `alice-${'x'.repeat(70)}`;
  const body = `{"event":"score_adjustment","id":"${uuid(5)}","date":"2026-11-22T10:00:00Z","psess":"${uuid(6)}","player_id":"${tooLong}","delta":1,"reason":"r"}`;
  await processor.processObject('day/p.json', Readable.from([Buffer.from(body)]));
  const out = await processor.finish();
  const rejects = out.sideTables!.find((t) => t.table === 'loadout_rejects')!;
  const [row] = (await rows(rejects.path, 'field, reason, record', 'field')) as Record<string, string>[];
  expect(row!.field).toBe('player_id');
  expect(row!.reason).toMatch(/^score_adjustment\.player_id: .* \(got \[personal\]\)$/);
  expect(`${row!.reason}${row!.record}`).not.toContain('alice');
});
