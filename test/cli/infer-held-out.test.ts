/**
 * A catalog-less corpus the pipeline has not seen (a fresh seed each run, printed with any failure):
 * `loadout run --evolution infer` over its first objects and then the rest, as a user runs it (the
 * real dev server, DuckDB). Every event type gets a table, every attribute a column, late ones
 * included, and every row holds exactly the values of its distinct record: compared with the raw
 * files themselves, value by value.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { writeSyntheticCorpus } from '../../generator/synthetic/synthetic-corpus';
import { syntheticTypes } from '../../generator/synthetic/synthetic-types';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { runLoadout } from '../helpers/loadout-cli';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
const seed = Number(process.env.LOADOUT_TEST_SEED ?? Math.floor(Math.random() * 1_000_000));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-infer-held-out-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every gz file under `root`, by relative path. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
}

/** The truth: each distinct record (by id) of the raw files, by event tag. */
function distinctRecords(root: string): Map<string, Map<string, Record<string, unknown>>> {
  const byTag = new Map<string, Map<string, Record<string, unknown>>>();
  for (const file of filesUnder(root)) {
    for (const line of gunzipSync(readFileSync(join(root, file)))
      .toString('utf8')
      .split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      const tag = String(record.event);
      if (!byTag.has(tag)) byTag.set(tag, new Map());
      byTag.get(tag)!.set(String(record.id), record);
    }
  }
  return byTag;
}

/** A warehouse value as the JSON value it was loaded from. */
function plain(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

test(`a held-out catalog-less corpus loads every type and attribute exactly under infer (seed ${seed})`, async () => {
  const types = syntheticTypes(24, seed, 0.6);
  const all = join(dir, 'all');
  const corpus = await writeSyntheticCorpus({
    to: all,
    types,
    seed,
    duplicateShare: 0.2,
    gzip: true,
    events: 6_000,
    files: 4,
    start: new Date('2026-11-22T10:00:00Z'),
    hours: 4,
  });
  // The raw zone the runs see: the first two objects, then all four (late attributes arrive later).
  const raw = join(dir, 'raw');
  const files = filesUnder(all);
  expect(files).toHaveLength(4);
  const reveal = (n: number) => {
    for (const file of files.slice(0, n)) {
      mkdirSync(dirname(join(raw, file)), { recursive: true });
      copyFileSync(join(all, file), join(raw, file));
    }
  };
  const home = join(dir, 'home');
  const warehouseUrl = `duckdb:${join(home, 'warehouse.duckdb')}`;
  const env = {
    LOADOUT_HOME: home,
    LOADOUT_RAW: raw,
    LOADOUT_WAREHOUSE: warehouseUrl,
    LOADOUT_ENV: `held-out-${seed}`,
    LOADOUT_LOAD_EVERY: '1h',
    LOADOUT_EVOLUTION: 'infer',
    // No event type of the corpus is declared: an empty catalog directory.
    LOADOUT_SCHEMAS: join(dir, 'no-schemas'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_TASK_QUEUE: uniqueTaskQueue('held-out'),
  };
  mkdirSync(env.LOADOUT_SCHEMAS, { recursive: true });
  for (const n of [2, 4]) {
    reveal(n);
    const outcome = await runLoadout(['run', '--json'], env, 300_000);
    expect(
      outcome.stderr.split('\n').filter((l) => /error/i.test(l)),
      `seed ${seed}`,
    ).toEqual([]);
    expect(outcome.code, `seed ${seed}`).toBe(0);
  }

  const listed = JSON.parse((await runLoadout(['schema', 'list', '--json'], env)).stdout) as {
    event: string;
    table: string;
    inferred?: boolean;
  }[];
  const truth = distinctRecords(all);
  expect(new Set(truth.keys())).toEqual(new Set(Object.keys(corpus.expected)));
  const warehouse = await openWarehouse(warehouseUrl);
  try {
    for (const [tag, records] of truth) {
      const table = listed.find((t) => t.event === tag);
      expect(table, `${tag} (seed ${seed})`).toMatchObject({ inferred: true });
      const rows = await warehouse.query(`SELECT * FROM loadout."${table!.table}" ORDER BY id`);
      expect(rows.length, `${tag} (seed ${seed})`).toBe(records.size);
      expect(rows.length, `${tag} (seed ${seed})`).toBe(corpus.expected[tag]);
      for (const row of rows) {
        const record = records.get(String(row.id));
        expect(record, `${tag} ${String(row.id)} (seed ${seed})`).toBeDefined();
        for (const [name, value] of Object.entries(record!)) {
          if (name === 'event') continue;
          // Timestamps print with microseconds (stores/warehouse/result-values.ts): compared as instants.
          const instant = (v: unknown) => new Date(String(v)).toISOString();
          const loaded = name === 'date' ? instant(row[name]) : plain(row[name]);
          const want = name === 'date' ? instant(value) : value;
          expect({ tag, id: row.id, name, value: loaded }).toEqual({ tag, id: row.id, name, value: want });
        }
        // Attributes the record lacks (it was sent before they appeared) are NULL, never made up.
        const attributes = types.find((t) => t.tag === tag)!.attributes.map((a) => a.name);
        for (const name of attributes.filter((a) => !(a in record!)))
          expect(row[name] ?? null, `${tag}.${name}`).toBeNull();
      }
    }
  } finally {
    await warehouse.close();
  }
});
