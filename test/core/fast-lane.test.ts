/**
 * The byte-level fast lane changes nothing but speed: a batch processed with it and without it
 * (every line through splitRecords and toRow) gives the same stats, drift variations, rejects and
 * unknown files byte for byte, and byte-identical Parquet. On generated corpora (gzip; CRLF with a
 * BOM) and on a copy rewritten into shapes the generator does not write: spaces around tokens,
 * shuffled keys, escaped characters, nested undeclared attributes, exponents, records separated
 * by spaces, repeated keys, and lines broken in the middle.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../core/batch-processor';
import { FlatRecordReader } from '../../core/flat-record-reader';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { mulberry32 } from '../helpers/catalog-samples';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

let catalog: Catalog;
const root = mkdtempSync(join(tmpdir(), 'loadout-fast-lane-'));
beforeAll(async () => {
  catalog = await loadCatalog();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function processAll(
  files: string[],
  workDir: string,
  fastLane: boolean,
  tables?: string[],
): Promise<BatchOutput> {
  const processor = new BatchProcessor({
    catalog,
    workDir,
    fastLane,
    tables,
    rowGroupSize: 5000,
    personal: TEST_PERSONAL_KEYS,
  });
  for (const file of files)
    await processor.processObject(
      relative(root, file),
      createReadStream(file, { highWaterMark: 64 * 1024 }),
      undefined,
      '2026-11-22T00:00:00.000Z',
    );
  return processor.finish();
}

/** Both ways, compared; returns how many records the fast lane read. */
async function expectSameBothWays(
  name: string,
  files: string[],
  tables?: string[],
): Promise<{ read: number; records: number }> {
  const reads = vi.spyOn(FlatRecordReader.prototype, 'read');
  const fast = await processAll(files, join(root, `${name}-fast`), true, tables);
  const read = reads.mock.results.filter((r) => r.value === true).length;
  reads.mockRestore();
  const slow = await processAll(files, join(root, `${name}-slow`), false, tables);
  expect(fast.stats).toEqual(slow.stats);
  expect(fast.variations).toEqual(slow.variations);
  const text = (path?: string) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  expect(text(fast.rejectsPath)).toEqual(text(slow.rejectsPath));
  expect(text(fast.unknownPath)).toEqual(text(slow.unknownPath));
  expect(fast.tables.map((t) => [t.table, t.rows])).toEqual(slow.tables.map((t) => [t.table, t.rows]));
  for (const [i, table] of fast.tables.entries()) {
    expect(
      readFileSync(table.path).equals(readFileSync(slow.tables[i]!.path)),
      `${name}: ${table.table}.parquet differs`,
    ).toBe(true);
  }
  return { read, records: fast.stats.records };
}

/** Rewrites a line into shapes JSON allows but the generator never writes. */
function rewrite(line: string, random: () => number): string {
  if (line.trim() === '' || random() < 0.5) return line;
  const choice = random();
  let records: unknown[];
  try {
    records = line
      .replace(/\}\{/g, '}\n{')
      .split('\n')
      .map((t) => JSON.parse(t));
  } catch {
    return line; // junk lines stay as they are
  }
  const shuffled = records.map((r) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return JSON.stringify(r);
    const o = r as Record<string, unknown>;
    if (choice < 0.15)
      return JSON.stringify(
        Object.fromEntries(
          Object.keys(o)
            .sort(() => random() - 0.5)
            .map((k) => [k, o[k]]),
        ),
      );
    if (choice < 0.3) return JSON.stringify(o, null, 1).replaceAll('\n', ' ');
    if (choice < 0.4) return JSON.stringify(o).replace('"event"', '"\\u0065vent"');
    if (choice < 0.5) return JSON.stringify({ ...o, device: { os: 'ios', build: [1, 2] } });
    if (choice < 0.6)
      return JSON.stringify(o).replace(/"amount":(\d+(\.\d+)?)/, (_m, n: string) => `"amount":${Number(n) * 100}e-2`);
    if (choice < 0.7) return JSON.stringify(o).replace(/"weapon":"([a-z_]+)"/, '"weapon":"\\u0041$1"');
    if (choice < 0.8) return `${JSON.stringify(o).slice(0, -1)},"id":${JSON.stringify(o.id ?? null)}}`;
    if (choice < 0.9) return JSON.stringify(o).replace(/"([0-9a-f]{8})-/, (_m, h: string) => `"${h.toUpperCase()}-`);
    return `  ${JSON.stringify(o)}\t`;
  });
  if (choice > 0.95) return shuffled.join('').slice(0, Math.floor(line.length / 2));
  return shuffled.join(random() < 0.5 ? '' : ' ');
}

describe('fast lane: the same output as the string path', () => {
  test('a generated gzip corpus; its replay to two tables', async () => {
    const dir = join(root, 'gz');
    await generateTelemetry({ outDir: dir, events: 40_000, files: 3, seed: 11 });
    const files = filesUnder(dir);
    const { read, records } = await expectSameBothWays('gz', files);
    // Most records are flat ones of flat event types: the fast lane must be what reads them.
    expect(read).toBeGreaterThan(records * 0.5);
    await expectSameBothWays('gz-replay', files, ['damage_dealt', 'match_end']);
  });

  test('a generated corpus with CRLF and a BOM, plain text', async () => {
    const dir = join(root, 'crlf');
    await generateTelemetry({ outDir: dir, events: 15_000, files: 2, seed: 12, gzip: false, crlf: true, bom: true });
    const { read } = await expectSameBothWays('crlf', filesUnder(dir));
    expect(read).toBeGreaterThan(5000);
  });

  test('the generated lines rewritten into shapes the generator does not write', async () => {
    const dir = join(root, 'plain');
    await generateTelemetry({ outDir: dir, events: 20_000, files: 2, seed: 13, gzip: false, concatenatedShare: 0.2 });
    const random = mulberry32(5);
    const files = filesUnder(dir);
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      writeFileSync(file, lines.map((l) => rewrite(l, random)).join('\n'));
    }
    const { read, records } = await expectSameBothWays('rewritten', files);
    expect(read).toBeGreaterThan(records * 0.3);
    expect(read).toBeLessThan(records * 0.9);
  });
});
