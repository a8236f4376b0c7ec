/** The catalog-less corpus, re-read independently: deterministic, Zipf-skewed, late attributes late, valid against its catalog. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, expect, test } from 'vitest';
import { writeSyntheticCatalog } from '../../../generator/synthetic/synthetic-catalog';
import { streamSyntheticCorpus, writeSyntheticCorpus } from '../../../generator/synthetic/synthetic-corpus';
import { syntheticTypes } from '../../../generator/synthetic/synthetic-types';
import { loadCatalog } from '../../../schemas/catalog';

const root = mkdtempSync(join(tmpdir(), 'loadout-synthetic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const types = syntheticTypes(300, 5);
const write = (name: string, seed = 5) =>
  writeSyntheticCorpus({
    to: join(root, name),
    types,
    seed,
    duplicateShare: 0.1,
    gzip: true,
    events: 30_000,
    files: 6,
    start: new Date('2026-11-22T00:00:00Z'),
    hours: 6,
  });

function records(dir: string, keys: readonly string[]): Record<string, unknown>[] {
  return keys.flatMap((key) =>
    gunzipSync(readFileSync(join(dir, key)))
      .toString()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

test('300 distinct types; the same seed gives the same bytes, another seed others', async () => {
  expect(new Set(types.map((t) => t.tag)).size).toBe(300);
  const a = await write('a'),
    b = await write('b'),
    c = await write('c', 6);
  expect(b.objects.map((o) => o.key)).toEqual(a.objects.map((o) => o.key));
  for (const [i, o] of a.objects.entries())
    expect(readFileSync(join(root, 'b', b.objects[i]!.key)).equals(readFileSync(join(root, 'a', o.key)))).toBe(true);
  expect(c.objects.map((o) => o.key)).not.toEqual(a.objects.map((o) => o.key));
});

test('a Zipf-like mix, exact distinct counts, and late attributes only after they appear', async () => {
  const result = await write('d');
  const all = records(
    join(root, 'd'),
    result.objects.map((o) => o.key),
  );
  expect(all).toHaveLength(30_000);
  const distinct = new Map<string, Set<string>>();
  for (const r of all) distinct.set(String(r.event), (distinct.get(String(r.event)) ?? new Set()).add(String(r.id)));
  expect(Object.fromEntries([...distinct].map(([t, ids]) => [t, ids.size]))).toEqual(result.expected);
  const first = distinct.get(types[0]!.tag)!.size,
    tenth = distinct.get(types[9]!.tag)?.size ?? 0;
  // 1/1 against 1/10^1.1: the head type is about twelve times the tenth.
  expect(first / tenth).toBeGreaterThan(6);
  expect(first / tenth).toBeLessThan(25);
  const late = types[0]!.attributes.find((a) => a.appearsAt > 0)!;
  const ofHead = all.filter((r) => r.event === types[0]!.tag);
  const firstWith = ofHead.findIndex((r) => late.name in r);
  expect(firstWith).toBeGreaterThan(0);
  expect(ofHead.slice(0, firstWith).every((r) => !(late.name in r))).toBe(true);
});

test('the written catalog loads and accepts every record', async () => {
  const result = await write('e');
  writeSyntheticCatalog(join(root, 'catalog'), types);
  expect(readdirSync(join(root, 'catalog'))).toHaveLength(300);
  const catalog = await loadCatalog(join(root, 'catalog'));
  for (const r of records(
    join(root, 'e'),
    result.objects.map((o) => o.key),
  ))
    expect(catalog.eventType(String(r.event))!.toRow(r), JSON.stringify(r)).toBeDefined();
});

test('at a steady rate: one object per interval with rate x interval records', async () => {
  const started = Date.now();
  const result = await streamSyntheticCorpus({
    to: join(root, 'f'),
    types,
    seed: 5,
    duplicateShare: 0,
    gzip: true,
    rate: 500,
    durationMs: 1_000,
    everyMs: 250,
  });
  expect(result.objects.map((o) => o.records)).toEqual([125, 125, 125, 125]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  const times = result.objects.map((o) => Date.parse(o.at));
  expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
});
