/**
 * The core drops an erased player's records, counted as `erased`: valid ones in both lanes,
 * invalid ones (never in rejects/), unknown events (never in unknown/), malformed text naming the
 * id; other players' records as before, and nothing checked when the set is empty.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, test } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../../core/batch-processor';
import { loadCatalog, type Catalog } from '../../../schemas/catalog';
import { duckDbScratch } from '../../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS, pseudonym } from '../../helpers/personal-keys';

const scratch = duckDbScratch('loadout-erased-');
let catalog: Catalog;
let runs = 0;
beforeAll(async () => {
  catalog = await loadCatalog();
});

const u = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const DATE = '2026-11-22T10:00:00Z';
const ERASED = 'erased-player-7';
const OTHER = 'kept-player-8';
const records = (player: string, n: number) => [
  {
    event: 'session_begin',
    id: u(n),
    date: DATE,
    psess: u(n + 1),
    player_id: player,
    platform: 'pc',
    app_version: '1',
  },
  {
    event: 'purchase',
    id: u(n + 2),
    date: DATE,
    psess: u(n + 1),
    player_id: player,
    sku: 's',
    amount: 1,
    currency: 'EUR',
  },
  { event: 'score_adjustment', id: u(n + 3), date: DATE, psess: u(n + 1), player_id: player, delta: 1, reason: 'r' },
  // Invalid (platform), an unknown event type, and a malformed line naming the id.
  {
    event: 'session_begin',
    id: u(n + 4),
    date: DATE,
    psess: u(n + 1),
    player_id: player,
    platform: 'amiga',
    app_version: '1',
  },
  { event: 'mystery_box', id: u(n + 5), player_id: player },
];
const body = (player: string, n: number) =>
  [...records(player, n).map((r) => JSON.stringify(r)), `{"event":"purchase","player_id":"${player}","sku":`].join(
    '\n',
  );

async function run(erased: string[], fastLane: boolean): Promise<BatchOutput> {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(scratch.root, `run-${++runs}`),
    personal: TEST_PERSONAL_KEYS,
    erased: new Set(erased),
    fastLane,
  });
  await processor.processObject('a.jsonl', Readable.from([Buffer.from(`${body(ERASED, 100)}\n${body(OTHER, 200)}\n`)]));
  return processor.finish();
}

describe.each([true, false])('fast lane %s', (fastLane) => {
  test("an erased player's records are dropped and counted as erased, every other record as before", async () => {
    const before = await run([], fastLane);
    const after = await run([pseudonym(ERASED)], fastLane);
    expect(before.stats.erased).toBe(0);
    expect(after.stats.erased).toBe(6);
    expect(after.stats.records).toBe(before.stats.records);
    expect(before.stats.rejected).toBe(4);
    expect(after.stats.rejected).toBe(2);
    expect(Object.values(after.stats.unknown).reduce((a, b) => a + b, 0)).toBe(1);
    for (const table of ['session_begin', 'purchase', 'score_adjustment']) {
      expect(before.tables.find((t) => t.table === table)?.rows).toBe(2);
      const file = after.tables.find((t) => t.table === table)!;
      expect(file.rows).toBe(1);
      const rows = await scratch.db.runAndReadAll(`SELECT player_id FROM read_parquet('${file.path}')`);
      expect(rows.getRowObjects().map((r) => r.player_id)).toEqual([pseudonym(OTHER)]);
    }
    const kept = [after.rejectsPath!, after.unknownPath!].map((p) => readFileSync(p, 'utf8')).join('\n');
    expect(kept).toContain(OTHER);
    expect(kept).not.toContain(ERASED);
    // The side output has the other player only.
    expect(after.personalData?.rows).toBe(1);
  });
});
