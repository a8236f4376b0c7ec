/** BatchProcessor across the objects of one batch: duplicates between objects, unreadable objects, long lines, empty batches. */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { BatchProcessor } from '../../core/batch-processor';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';
import { batchProcessorRunner, jsonLines, wordRe } from '../helpers/batch-processor-runner';
import { A, G, K, L, MIXED, P1, SOURCE, j, u } from '../helpers/batch-processor-records';

const bp = batchProcessorRunner('loadout-batch-processor-objects-');
const { scratch, run, rows } = bp;

describe('BatchProcessor across objects of one batch', () => {
  test('a duplicate in a second (gzip) object is dropped too; another object adds its rows', async () => {
    const O = { ...A, id: u(50), player_id: 'player-3' };
    const bad = j({ ...K, id: u(51), delta: 1.5 });
    const second = gzipSync([j(A), j(O), j({ ...G, psess: P1.toUpperCase() }), '', bad].join('\r\n') + '\r\n');
    const out = await run([
      [SOURCE, MIXED],
      ['raw/2026/11/22/11/second', second],
    ]);
    expect(out.stats.objects).toBe(2);
    expect(out.stats.records).toBe(30);
    expect(out.stats.valid).toBe(21);
    expect(out.stats.duplicates).toBe(6);
    expect(out.stats.rejected).toBe(7);
    const lastReject = JSON.parse(jsonLines(out.rejectsPath!).at(-1)!) as {
      source: string;
      line: number;
      reason: string;
      record: string;
    };
    expect(lastReject).toMatchObject({ source: 'raw/2026/11/22/11/second', line: 5, record: bad });
    expect(lastReject.reason).toMatch(wordRe('delta'));
    expect(out.stats.events.session_begin).toBe(2);
    expect(out.stats.events.match_end).toBe(2);
    expect(out.stats.bytesIn).toBe(Buffer.byteLength(MIXED) + second.length);
    const ids = await rows(out.tables.find((t) => t.table === 'session_begin')!.path, 'id');
    expect(ids.map((r) => r.id)).toEqual([u(1), u(50)]);
  });

  test('an unreadable object is returned with its kind and reason, not thrown', async () => {
    const processor = new BatchProcessor({
      catalog: bp.catalog,
      workDir: join(scratch.root, 'unreadable'),
      personal: TEST_PERSONAL_KEYS,
    });
    const corrupt = Buffer.from(gzipSync(MIXED.repeat(20)));
    corrupt.fill(0x55, 40, 80);
    const unreadable = await processor.processObject('raw/bad.gz', Readable.from([corrupt]));
    expect(unreadable).toMatchObject({ kind: 'corrupt-compression' });
    expect(unreadable!.reason).toMatch(/^corrupt gzip: /);
    await processor.finish();
  });

  test('a valid record whose strings are 64 non-BMP characters ("1-64 chars") is staged and does not fail the batch', async () => {
    const emoji = '😀'.repeat(64);
    const line = j({ ...A, id: u(60), player_id: emoji });
    const out = await run([['raw/emoji.json', `${j(A)}\n${line}\n${j(L)}\n`]]);
    expect(out.stats.rejected).toBe(0);
    expect(out.stats.events).toEqual({ session_begin: 2, session_end: 1 });
    const staged = await rows(out.tables.find((t) => t.table === 'session_begin')!.path, 'id');
    expect(staged.map((r) => r.player_id)).toEqual([pseudonym('player-1'), pseudonym(emoji)]);
  });

  test('a line over the 16 MiB limit is one rejection naming its size and the limit; the lines around it are read', async () => {
    const huge = `{"event":"session_begin","pad":"${'x'.repeat(16 * 1024 * 1024)}"}`;
    const out = await run([['raw/huge.json', `${j(A)}\n${huge}\n${j(L)}\n`]]);
    expect(out.stats.events).toEqual({ session_begin: 1, session_end: 1 });
    expect(out.stats.rejectedByReason).toEqual({ 'record: line too long': 1 });
    const reject = JSON.parse(jsonLines(out.rejectsPath!)[0]!) as { line: number; reason: string; record: string };
    expect(reject.line).toBe(2);
    expect(reject.reason).toBe(
      `line of ${Buffer.byteLength(huge)} bytes exceeds the 16 MiB limit: a producer writing records without line breaks? The record starts as shown`,
    );
    expect(reject.record).toBe(huge.slice(0, 200));
  });

  test('an empty batch writes no table files', async () => {
    const out = await run([['raw/empty.json', '\n\n']]);
    expect(out.tables).toEqual([]);
    expect(out.stats.records).toBe(0);
    expect(out.rejectsPath).toBeUndefined();
    expect(out.unknownPath).toBeUndefined();
  });
});
