/**
 * The personal-data store end to end on a real dev server and DuckDB: pseudonyms in every event
 * table, the sealed clear values loaded once into loadout_pii, DAU as in clear.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createActivities } from '../../activities';
import { ingestLocation } from '../../cli/ingest';
import { classifyRecord } from '../../core/classify-record';
import { openSealedValues } from '../../core/personal/personal-data-file';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import type { LoadResult } from '../../workflows/load-types';
import { TEST_PERSONAL_KEYS, pseudonym } from '../helpers/personal-keys';
import { exportSubject } from '../../cli/pii-export';
import { connectTemporal, testWorker, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
let catalog: Catalog;
let dir: string;

beforeAll(async () => {
  temporal = await connectTemporal();
  catalog = await loadCatalog();
  dir = mkdtempSync(join(tmpdir(), 'loadout-pii-load-'));
});

afterAll(async () => {
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The valid, distinct records of the raw zone, as a clear-text pipeline would load them. */
function clearRecords(rawDir: string): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const entry of readdirSync(rawDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    for (const line of gunzipSync(readFileSync(join(entry.parentPath, entry.name)))
      .toString('utf8')
      .split('\n')) {
      for (const text of line.replace(/\}\{/g, '}\n{').split('\n')) {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (classifyRecord(catalog, record).kind === 'valid')
          byKey.set(`${String(record.event)}/${String(record.id).toLowerCase()}`, record);
      }
    }
  }
  return [...byKey.values()];
}

test('pseudonyms in the tables, clear values sealed in loadout_pii loaded once, DAU equal to clear text; pii export finds a player', async () => {
  const raw = openObjectStore(join(dir, 'raw'));
  const lake = openObjectStore(join(dir, 'lake'));
  const path = join(dir, 'warehouse.duckdb');
  const taskQueue = uniqueTaskQueue('pii-load');
  await generateTelemetry({ outDir: raw.location, events: 3_000, files: 2, seed: 31 });
  const worker = await testWorker(
    temporal,
    taskQueue,
    createActivities({
      catalog,
      lake,
      warehouseUrl: `duckdb:${path}`,
      warehouseSchema: 'loadout',
      personalKeys: TEST_PERSONAL_KEYS,
    }),
  );
  const load = (id: string) =>
    temporal.client.workflow.execute('load', {
      workflowId: `${taskQueue}-${id}`,
      taskQueue,
      args: [{ environment: taskQueue }],
    }) as Promise<LoadResult>;
  await worker.runUntil(async () => {
    const outcome = await ingestLocation({
      client: temporal.client,
      taskQueue,
      source: raw,
      limits: { maxObjects: 1, maxBytes: 1 << 30 },
      environment: 'test',
    });
    expect(outcome.failures).toEqual([]);
    const first = await load('first');
    expect(first.tables.map((t) => t.table)).toContain('personal_data');
    const again = await load('again');
    expect(again.tables).toEqual([]);
  });

  const records = clearRecords(raw.location);
  const clear = new Set(
    records.flatMap((r) =>
      ['player_id', 'ip', 'device_id'].flatMap((k) => (typeof r[k] === 'string' ? [r[k] as string] : [])),
    ),
  );
  // No clear value in any workflow history of the run: inputs, results, heartbeats, search attributes.
  let histories = 0;
  for await (const execution of temporal.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    // Payloads (inputs, results, heartbeats, search attributes) are base64 `data`: decoded, so the search sees their JSON text.
    const history = JSON.stringify(
      await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory(),
      (key, v: unknown) =>
        v instanceof Uint8Array
          ? Buffer.from(v).toString('utf8')
          : key === 'data' && typeof v === 'string'
            ? Buffer.from(v, 'base64').toString('utf8')
            : v,
    );
    if (execution.type === 'fileBatch') expect(history).toContain('.gz'); // the search does read the payloads
    for (const value of clear) expect(history.includes(value), `${execution.workflowId}: ${value}`).toBe(false);
    histories++;
  }
  expect(histories).toBeGreaterThan(2);
  const w = new DuckDbWarehouse(path);
  try {
    // No clear value in any column of any analytic table.
    for (const type of catalog.eventTypes) {
      for (const column of type.columns.filter((c) => c.type === 'string')) {
        const values = await w.query(
          `SELECT DISTINCT "${column.name}" AS v FROM loadout."${type.table}" WHERE "${column.name}" IS NOT NULL`,
        );
        for (const { v } of values) expect(clear.has(String(v)), `${type.table}.${column.name}`).toBe(false);
      }
    }
    // DAU from the pseudonyms equals DAU counted on the clear records.
    const expected = new Map<string, Set<string>>();
    for (const r of records.filter((r) => r.event === 'session_begin')) {
      const day = new Date(String(r.date)).toISOString().slice(0, 10);
      (expected.get(day) ?? expected.set(day, new Set()).get(day)!).add(String(r.player_id));
    }
    const dau = await w.query(
      `SELECT CAST("day" AS VARCHAR) AS day, CAST(daily_active_users AS INTEGER) AS n FROM loadout.kpi_daily_active_users ORDER BY 1`,
    );
    expect(dau.map((d) => [String(d.day).slice(0, 10), d.n])).toEqual(
      [...expected].sort().map(([day, players]) => [day, players.size]),
    );

    // The store: one row per subject and value set, each opening to values seen in the raw zone, under their pseudonym.
    const store = await w.query(
      `SELECT pseudonym, values_digest, data_key_id, sealed_values FROM loadout_pii.personal_data`,
    );
    const players = new Set(records.flatMap((r) => (typeof r.player_id === 'string' ? [r.player_id] : [])));
    const opened = store.map((row) => ({
      pseudonym: String(row.pseudonym),
      values: openSealedValues(TEST_PERSONAL_KEYS.dataKey, String(row.pseudonym), String(row.sealed_values)),
    }));
    expect(new Set(opened.flatMap((o) => o.values.player_id ?? []))).toEqual(players);
    for (const o of opened) {
      expect(o.pseudonym).toBe(pseudonym(o.values.player_id![0]!));
      for (const v of [...(o.values.ip ?? []), ...(o.values.device_id ?? [])]) expect(clear.has(v)).toBe(true);
    }
    const storeKeys = store.map((r) => `${String(r.pseudonym)}/${String(r.values_digest)}`);
    expect(new Set(storeKeys).size).toBe(storeKeys.length);
    expect((await w.ledger('loadout_pii')).length).toBeGreaterThan(0);

    // Subject access: a player with purchases, found in every table, the store and the lake files.
    const player = String(records.find((r) => r.event === 'purchase')!.player_id);
    const mine = (tag: string) => records.filter((r) => r.event === tag && r.player_id === player).length;
    const ring = {
      personal: TEST_PERSONAL_KEYS,
      dataKeys: new Map([[TEST_PERSONAL_KEYS.dataKey.id, TEST_PERSONAL_KEYS.dataKey]]),
    };
    const found = await exportSubject({ catalog, warehouse: w, warehouseSchema: 'loadout', lake, keys: ring }, player);
    expect(found.pseudonym).toBe(pseudonym(player));
    expect(Object.fromEntries(Object.entries(found.tables).map(([t, rows]) => [t, rows.length]))).toEqual({
      session_begin: mine('session_begin'),
      purchase: mine('purchase'),
      score_adjustment: mine('score_adjustment'),
    });
    expect(found.personalData.values.player_id).toEqual([player]);
    expect(found.personalData.values.ip?.length).toBeGreaterThan(0);
    expect(found.lakeFiles.some((k) => k.startsWith('loaded/purchase/'))).toBe(true);
    expect(found.lakeFiles.some((k) => k.startsWith('pii/loaded/personal_data/'))).toBe(true);
    expect(() => JSON.stringify(found)).not.toThrow();
    // Another player's files are not listed as this one's.
    const other = String(records.find((r) => r.event === 'purchase' && r.player_id !== player)!.player_id);
    const theirs = await exportSubject({ catalog, warehouse: w, warehouseSchema: 'loadout', lake, keys: ring }, other);
    expect(theirs.tables.purchase!.every((r) => r.player_id === pseudonym(other))).toBe(true);
  } finally {
    await w.close();
  }
});
