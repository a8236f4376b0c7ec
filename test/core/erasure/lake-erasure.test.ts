/**
 * The lake's files without an erased player's records: Parquet rewritten with the same columns
 * and the other rows intact; a staged file claimed by an unfinished manifest left alone and
 * reported pending until its load is done; raw text lines (CRLF, records back to back, malformed)
 * keep every other record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, expect, test } from 'vitest';
import { BatchProcessor } from '../../../core/batch-processor';
import { eraseLakeArea } from '../../../core/erasure/lake-erasure';
import { recordsWithout, rejectsWithout } from '../../../core/erasure/record-lines';
import { doneKeyOf, filesKeyOf, manifestKeyOf } from '../../../core/manifest';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import { openObjectStore } from '../../../stores/object/open-object-store';
import { duckDbScratch } from '../../helpers/duckdb-scratch';
import { playerLines } from '../../helpers/erasure-scenario';
import { TEST_PERSONAL_KEYS, pseudonym } from '../../helpers/personal-keys';

const scratch = duckDbScratch('loadout-lake-erasure-');
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const names = new Set(['player_id', 'device_id']);
const is = (player: string) => (clear: string) => clear === player;

test('Parquet files are rewritten without the rows, same columns; claimed staged files wait for their load', async () => {
  const processor = new BatchProcessor({ catalog, workDir: join(scratch.root, 'batch'), personal: TEST_PERSONAL_KEYS });
  const body = [...playerLines('p-erased', 'x', 1), ...playerLines('p-kept', 'x', 2)].join('\n');
  await processor.processObject('a.jsonl', Readable.from([Buffer.from(body)]));
  const output = await processor.finish();
  const lake = openObjectStore(join(scratch.root, 'lake'));
  for (const file of output.tables)
    await lake.writeFile(`staged/${file.table}/${file.fingerprint}-b1.parquet`, file.path);
  const purchaseKey = `staged/purchase/${output.tables.find((t) => t.table === 'purchase')!.fingerprint}-b1.parquet`;
  const manifest = manifestKeyOf('purchase', 'f', [purchaseKey]);
  await lake.write(
    filesKeyOf(manifest),
    JSON.stringify({ table: 'purchase', fingerprint: 'f', keys: [purchaseKey], bytes: [1] }),
  );
  await lake.write(manifest, '{}');
  const deps = { lake, catalog, pseudonymKey: TEST_PERSONAL_KEYS.pseudonymKey, workDir: scratch.root };
  const columns = async (key: string) =>
    (await scratch.db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(lake.location, key)}')`))
      .getRowObjects()
      .map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
  const sessionKey = purchaseKey.replace(
    /purchase\/[0-9a-f]+/,
    `session_begin/${output.tables.find((t) => t.table === 'session_begin')!.fingerprint}`,
  );
  const before = await columns(sessionKey);

  const first = await eraseLakeArea(deps, 'tables', pseudonym('p-erased'));
  expect(first.pending).toEqual([purchaseKey]);
  expect(first.files.map((f) => f.key).sort()).toEqual(
    [
      sessionKey,
      sessionKey.replace(
        /session_begin\/[0-9a-f]+/,
        `score_adjustment/${output.tables.find((t) => t.table === 'score_adjustment')!.fingerprint}`,
      ),
    ].sort(),
  );
  expect(await columns(sessionKey)).toEqual(before);
  const rows = await scratch.db.runAndReadAll(
    `SELECT player_id, device_id, ip, epoch_us(date) AS us FROM read_parquet('${join(lake.location, sessionKey)}')`,
  );
  expect(rows.getRowObjects()).toEqual([
    {
      player_id: pseudonym('p-kept'),
      device_id: pseudonym('dev-p-kept'),
      ip: '203.0.113.0',
      us: BigInt(Date.parse('2026-11-22T10:02:00Z') * 1000),
    },
  ]);

  await lake.write(doneKeyOf(manifest), 'done');
  const second = await eraseLakeArea(deps, 'tables', pseudonym('p-erased'));
  expect(second).toEqual({ area: 'tables', files: [{ key: purchaseKey, removed: 1 }], pending: [] });
  expect((await eraseLakeArea(deps, 'tables', pseudonym('p-erased'))).files).toEqual([]);
});

test("raw lines lose only the player's records: concatenated, CRLF, malformed; rejects by their raw record", () => {
  const text = '{"player_id":"e","n":1}{"player_id":"k","n":2}\r\n{"player_id":"k","n":3}\n{"player_id":"e","n":\n\n';
  expect(recordsWithout(text, names, is('e'))).toEqual({
    text: '{"player_id":"k","n":2}\r\n{"player_id":"k","n":3}\n\n',
    removed: 2,
  });
  expect(recordsWithout(text, names, is('nobody'))).toEqual({ text, removed: 0 });
  const rejects = [
    JSON.stringify({ source: 'a', line: 1, reason: 'r', record: '{"player_id":"e","amount":-1}' }),
    JSON.stringify({ source: 'a', line: 2, reason: 'r', record: '{"player_id":"k","amount":-1}' }),
    JSON.stringify({ source: 'a', line: 3, reason: 'r', record: '{"event":"x","device_id":"e"' }),
  ].join('\n');
  const kept = rejectsWithout(`${rejects}\n`, names, is('e'));
  expect(kept.removed).toBe(2);
  expect(
    kept.text
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { line: number }).line),
  ).toEqual([2]);
});

test('unknown files: a record keyed by the player goes, in every prefix the pipeline writes', async () => {
  const lake = openObjectStore(join(scratch.root, 'lake-unknown'));
  mkdirSync(join(lake.location, 'replay/unknown'), { recursive: true });
  writeFileSync(
    join(lake.location, 'replay/unknown/b.jsonl'),
    '{"event":"m","player_id":"e"}\n{"event":"m","player_id":"k"}\n',
  );
  const deps = { lake, catalog, pseudonymKey: TEST_PERSONAL_KEYS.pseudonymKey, workDir: scratch.root };
  const result = await eraseLakeArea(deps, 'unknown', pseudonym('e'));
  expect(result.files).toEqual([{ key: 'replay/unknown/b.jsonl', removed: 1 }]);
  expect(Buffer.from(await lake.readBytes('replay/unknown/b.jsonl')).toString()).toBe(
    '{"event":"m","player_id":"k"}\n',
  );
});
