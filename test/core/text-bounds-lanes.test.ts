/**
 * Text bounds in UTF-8 bytes, in both core lanes (the byte-level fast lane and the string path):
 * 2-, 3- and 4-byte characters at and over a string's bound, a string field whose byte bound is
 * tighter than its character bound, and JSON text of 65,535 and 65,536 bytes. A value at its bound
 * is staged byte for byte; one over it is a reject naming the field and the bound, never a row.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../core/batch-processor';
import { FlatRecordReader } from '../../core/flat-record-reader';
import { Catalog, loadCatalog } from '../../schemas/catalog';
import { defineEvent } from '../../schemas/define-event';
import { string, timestamp, uuid } from '../../schemas/fields';
import { MAX_TEXT_BYTES, utf8Length } from '../../schemas/text-bounds';
import { DATE, U, VALID } from '../helpers/catalog-samples';
import { duckDbScratch } from '../helpers/duckdb-scratch';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

/** A string field of 20,000 characters: its 65,535-byte bound binds before its character bound. */
const NOTE = defineEvent({
  tag: 'note',
  uniqueKey: ['id'],
  fields: { id: uuid(), date: timestamp(), body: string({ max: 20_000 }) },
});

let shipped: Catalog;
const root = mkdtempSync(join(tmpdir(), 'loadout-text-bounds-'));
const scratch = duckDbScratch('text-bounds-');
beforeAll(async () => {
  shipped = await loadCatalog();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;
async function process(catalog: Catalog, lines: string[], fastLane: boolean): Promise<BatchOutput> {
  const processor = new BatchProcessor({
    catalog,
    workDir: join(root, `run-${++runs}`),
    fastLane,
    personal: TEST_PERSONAL_KEYS,
  });
  await processor.processObject('raw/bounds.json', Readable.from([Buffer.from(lines.join('\n'))]));
  return processor.finish();
}

interface Outcome {
  /** The staged values of `column`, in line order (by the `id` uuid's suffix). */
  staged: string[];
  reasons: string[];
  /** Records the fast lane read itself. */
  fastReads: number;
}

/** Both lanes on the same lines: the same rows and rejects, or the test fails. */
async function bothLanes(catalog: Catalog, lines: string[], table: string, column: string): Promise<Outcome> {
  const outcomes: Outcome[] = [];
  for (const fastLane of [true, false]) {
    const reads = vi.spyOn(FlatRecordReader.prototype, 'read');
    const output = await process(catalog, lines, fastLane);
    const fastReads = reads.mock.results.filter((r) => r.value === true).length;
    reads.mockRestore();
    const file = output.tables.find((t) => t.table === table);
    const staged =
      file === undefined
        ? []
        : (await scratch.db.runAndReadAll(`SELECT "${column}" AS v FROM read_parquet('${file.path}') ORDER BY id`))
            .getRowObjects()
            .map((r) => String(r.v));
    const reasons =
      output.rejectsPath === undefined
        ? []
        : readFileSync(output.rejectsPath, 'utf8')
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { reason: string }).reason.replace(/ \(got .*$/s, ''));
    outcomes.push({ staged, reasons, fastReads });
  }
  const [fast, slow] = outcomes as [Outcome, Outcome];
  expect(fast.staged).toEqual(slow.staged);
  expect(fast.reasons).toEqual(slow.reasons);
  expect(slow.fastReads).toBe(0);
  return fast;
}

const id = (n: number) => `${U.a.slice(0, -4)}${String(n).padStart(4, '0')}`;
const WIDTHS = [
  ['2-byte', 'é'],
  ['3-byte', '€'],
  ['4-byte', '😀'],
] as const;

describe('a string bounded in characters (damage_dealt.weapon, 64 characters = 256 bytes)', () => {
  test.each(WIDTHS)(
    '%s characters: 64 staged as they are, 65 rejected naming the field and the bound',
    async (_w, ch) => {
      const at = ch.repeat(64),
        over = ch.repeat(65);
      const lines = [at, over].map((weapon, i) => JSON.stringify({ ...VALID.damage_dealt, id: id(i), weapon }));
      const outcome = await bothLanes(shipped, lines, 'damage_dealt', 'weapon');
      expect(outcome.staged).toEqual([at]);
      expect(utf8Length(at)).toBeLessThanOrEqual(shipped.table('damage_dealt')!.columns[5]!.maxBytes!);
      expect(outcome.reasons).toEqual([expect.stringMatching(/^damage_dealt\.weapon: .*64 characters/)]);
      // The record at the bound went through the fast lane; the one over it was left to zod for its reason.
      expect(outcome.fastReads).toBe(1);
    },
  );
});

describe('a string bounded in bytes before characters (20,000 characters, 65,535 bytes)', () => {
  test('65,535 bytes of 4- and 3-byte characters staged; 65,536 bytes rejected naming the bound', async () => {
    const at = '😀'.repeat(16_383) + '€'; // 65,532 + 3 bytes, 16,384 characters
    const over = '😀'.repeat(16_384); // 65,536 bytes, 16,384 characters
    const twoByte = 'é'.repeat(20_000); // 40,000 bytes: the character bound is the one that holds
    expect([utf8Length(at), utf8Length(over)]).toEqual([MAX_TEXT_BYTES, MAX_TEXT_BYTES + 1]);
    expect(NOTE.columns[2]!.maxBytes).toBe(MAX_TEXT_BYTES);
    const lines = [at, over, twoByte, `${twoByte}é`].map((body, i) =>
      JSON.stringify({ event: 'note', id: id(i), date: DATE, body }),
    );
    const outcome = await bothLanes(new Catalog([NOTE]), lines, 'note', 'body');
    expect(outcome.staged).toEqual([at, twoByte]);
    expect(outcome.reasons).toEqual([
      'note.body: a string of 65536 UTF-8 bytes is over its bound of 65535 bytes',
      expect.stringMatching(/^note\.body: .*20000 characters/),
    ]);
    expect(outcome.fastReads).toBe(2);
  });
});

describe('JSON text (loadout_changed.items, 65,535 bytes)', () => {
  /** An items array whose JSON text is exactly `bytes` long, filled with `ch` then ASCII. */
  function itemsOf(bytes: number, ch: string): string[] {
    const fill = ch.repeat(Math.floor((bytes - 4) / utf8Length(ch)));
    const items = [fill + 'x'.repeat(bytes - 4 - utf8Length(fill))];
    expect(utf8Length(JSON.stringify(items))).toBe(bytes);
    return items;
  }

  test.each(WIDTHS)(
    '%s characters: 65,535 bytes staged, 65,536 rejected naming the field and the bound',
    async (_w, ch) => {
      const lines = [MAX_TEXT_BYTES, MAX_TEXT_BYTES + 1].map((bytes, i) =>
        JSON.stringify({ ...VALID.loadout_changed, id: id(i), items: itemsOf(bytes, ch) }),
      );
      const outcome = await bothLanes(shipped, lines, 'loadout_changed', 'items');
      expect(outcome.staged.map(utf8Length)).toEqual([MAX_TEXT_BYTES]);
      expect(outcome.staged[0]).toBe(JSON.stringify(itemsOf(MAX_TEXT_BYTES, ch)));
      expect(outcome.reasons).toEqual([
        'loadout_changed.items: JSON text of 65536 UTF-8 bytes is over its bound of 65535 bytes',
      ]);
    },
  );

  test('the issue case: 700 items of 100 characters (72 KB of JSON) is a reject, not a failed COPY', async () => {
    const items = Array.from({ length: 700 }, (_, i) => `${i}`.padEnd(100, 'x'));
    const lines = [JSON.stringify({ ...VALID.loadout_changed, items })];
    const outcome = await bothLanes(shipped, lines, 'loadout_changed', 'items');
    expect(outcome.staged).toEqual([]);
    expect(outcome.reasons).toEqual([
      expect.stringMatching(/^loadout_changed\.items: JSON text of 72\d{3} UTF-8 bytes/),
    ]);
  });
});
