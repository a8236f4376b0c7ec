/**
 * Rejects, unknown events and lineage after `loadout run`, as a user runs it (child processes, the
 * real dev server, DuckDB and PostgreSQL): the tables hold the run's counts, every row its batch and
 * loaded-at, `loadout_loads` matches the ledger, and a re-run or a replay adds no row.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { loadCatalog } from '../../schemas/catalog';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { runLoadout } from '../helpers/loadout-cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
let raw: string;
let postgres: PostgresServer;
let long: string;

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-lineage-'));
  raw = join(dir, 'raw');
  await generateTelemetry({ outDir: raw, events: 4_000, files: 3, seed: 21 });
  mkdirSync(join(raw, 'extra'), { recursive: true });
  // A reject longer than Redshift's VARCHAR, one whose text would drive a terminal, and an unknown event.
  long = JSON.stringify({ event: 'session_end', id: uuid(1), note: 'é'.repeat(40_000) });
  // A raw ESC in a string is not JSON: the record is rejected as it is, escape sequence included.
  const escape = `{"event":"session_end","id":"${uuid(2)}","reason":"\u001b[31mred"}`;
  writeFileSync(join(raw, 'extra', 'odd.json'), `${long}\n${escape}\n{"event":"lineage_probe","n":1}\n`);
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function loadout(args: string[], home: string, warehouse: string, env: string) {
  return runLoadout([...args, '--warehouse', warehouse, '--env', env], {
    LOADOUT_HOME: home,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_TASK_QUEUE: uniqueTaskQueue('lineage'),
    LOADOUT_LOAD_EVERY: '1h',
  });
}

interface RunSummary {
  rejected: number;
  unknown: Record<string, number>;
  tables: Record<string, number>;
}

async function counts(url: string) {
  const w = await openWarehouse(url);
  try {
    const one = async (sql: string) => Number(Object.values((await w.query(sql))[0]!)[0]);
    const catalog = await loadCatalog();
    const lineageGaps: Record<string, number> = {};
    for (const table of catalog.tables) {
      if ((await w.describeTable('loadout', table)) === undefined) continue;
      lineageGaps[table] = await one(
        `SELECT COUNT(*) FROM loadout.${table} WHERE _loadout_batch IS NULL OR _loadout_loaded_at IS NULL`,
      );
    }
    // Every table's ledger (one per table: docs/operations.md), as manifests and rows per table.
    const ledger = new Map<string, { manifests: number; n: number }>();
    for (const entry of await w.ledger('loadout')) {
      const t = ledger.get(entry.table) ?? { manifests: 0, n: 0 };
      ledger.set(entry.table, { manifests: t.manifests + 1, n: t.n + entry.rows });
    }
    const loads = await w.query(
      'SELECT table_name, SUM(manifests) AS manifests, SUM("rows") AS n FROM loadout.loadout_loads GROUP BY 1 ORDER BY 1',
    );
    return {
      rejects: await one('SELECT COUNT(*) FROM loadout.loadout_rejects'),
      // player_id values in the record text: pseudonyms (32 hex digits) or blanked, never in clear.
      playerIds: (
        await w.query('SELECT record FROM loadout.loadout_rejects UNION ALL SELECT record FROM loadout.loadout_unknown')
      ).flatMap((r) => [...String(r.record).matchAll(/"player_id"\s*:\s*"([^"]*)"/g)].map((m) => m[1]!)),
      unknown: await one('SELECT COUNT(*) FROM loadout.loadout_unknown'),
      truncated: await w.query(
        'SELECT key, LENGTH(record) AS chars, record_truncated FROM loadout.loadout_rejects WHERE record_truncated',
      ),
      lineageGaps,
      sideLineageGaps: await one(
        'SELECT COUNT(*) FROM loadout.loadout_rejects WHERE _loadout_batch IS NULL OR _loadout_loaded_at IS NULL',
      ),
      ledger: [...ledger.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, v]) => [t, v.manifests, v.n]),
      loads: loads.map((r) => [String(r.table_name), Number(r.manifests), Number(r.n)]),
      loadedAtMatchesLedger: await one(
        'SELECT COUNT(*) FROM loadout.session_end s WHERE NOT EXISTS (SELECT 1 FROM loadout.loadout_ledger_session_end l WHERE l.loaded_at = s._loadout_loaded_at)',
      ),
    };
  } finally {
    await w.close();
  }
}

test.each(['duckdb', 'postgres'])(
  'on %s, rejects and unknown events are tables with the counts of the run, every row has lineage, re-runs and replays add nothing',
  async (kind) => {
    const home = join(dir, `home-${kind}`);
    const url = kind === 'duckdb' ? `duckdb:${join(home, 'warehouse.duckdb')}` : postgres.url;
    const env = `lineage-${kind}-${uniqueTaskQueue('x').slice(-6)}`;
    const first = await loadout(['run', raw, '--json'], home, url, env);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as RunSummary;
    const unknown = Object.values(summary.unknown).reduce((a, b) => a + b, 0);
    expect(summary.rejected).toBeGreaterThan(2);
    expect(summary.unknown.lineage_probe).toBe(1);

    const after = await counts(url);
    expect(after.rejects).toBe(summary.rejected);
    expect(after.playerIds.length).toBeGreaterThan(0);
    expect(after.playerIds.filter((id) => !/^([0-9a-f]{32}|\[personal\])$/.test(id))).toEqual([]);
    expect(after.unknown).toBe(unknown);
    // Its ASCII head, then as many whole two-byte characters as fit in 65,535 bytes.
    const head = long.indexOf('é');
    const chars = head + Math.floor((65_535 - head) / 2);
    expect(after.truncated).toEqual([{ key: 'extra/odd.json', chars, record_truncated: true }]);
    expect(Object.keys(after.lineageGaps).length).toBeGreaterThan(3);
    for (const [table, gaps] of Object.entries(after.lineageGaps)) expect(gaps, table).toBe(0);
    expect(after.sideLineageGaps).toBe(0);
    expect(after.loads).toEqual(after.ledger);
    expect(after.ledger.map(([t]) => t)).toEqual(expect.arrayContaining(['loadout_rejects', 'loadout_unknown']));
    expect(after.loadedAtMatchesLedger).toBe(0);

    // The same run again reuses every batch; a replay of everything restages and reloads them.
    const again = await loadout(['run', raw, '--json'], home, url, env);
    expect(again.code, again.stderr).toBe(0);
    const replay = await loadout(
      ['replay', raw, '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--json'],
      home,
      url,
      env,
    );
    expect(replay.code, replay.stderr).toBe(0);
    // Limited to some tables, a replay's load leaves the side tables for the next full load.
    const load = await loadout(['load', '--json'], home, url, env);
    expect(load.code, load.stderr).toBe(0);
    const final = await counts(url);
    expect(final.rejects).toBe(summary.rejected);
    expect(final.unknown).toBe(unknown);
    for (const [table, gaps] of Object.entries(final.lineageGaps)) expect(gaps, table).toBe(0);
    expect(final.loads).toEqual(final.ledger);
    expect(final.ledger.find(([t]) => t === 'session_end')![1]).toBeGreaterThan(
      after.ledger.find(([t]) => t === 'session_end')![1] as number,
    );

    // `loadout rejects`: the counts, the filters, and data escaped on the terminal.
    const all = await loadout(['rejects', '--json'], home, url, env);
    expect(all.code, all.stderr).toBe(0);
    const report = JSON.parse(all.stdout) as {
      rejected: number;
      byReason: { table: string; reason: string; rejects: number }[];
      rows: { record: string }[];
      unknown: { records: number; byEvent: { event: string; records: number }[] };
    };
    expect(report.rejected).toBe(summary.rejected);
    expect(report.rows).toHaveLength(20);
    expect(report.unknown.records).toBe(unknown);
    expect(report.unknown.byEvent).toContainEqual({ event: 'lineage_probe', records: 1 });
    const reason = report.byReason.find((c) => c.table === 'session_end')!;
    const filtered = await loadout(
      ['rejects', '--json', '--table', 'session_end', '--reason', reason.reason.slice(0, 20).toUpperCase()],
      home,
      url,
      env,
    );
    const narrowed = JSON.parse(filtered.stdout) as typeof report;
    expect(narrowed.rejected).toBeGreaterThanOrEqual(reason.rejects);
    expect(narrowed.rejected).toBeLessThan(report.rejected);
    expect(narrowed.byReason.every((c) => c.table === 'session_end')).toBe(true);
    expect(narrowed.unknown).toBeUndefined();
    const future = await loadout(['rejects', '--json', '--since', '2100-01-01'], home, url, env);
    expect(JSON.parse(future.stdout)).toMatchObject({ rejected: 0, rows: [], unknown: { records: 0 } });
    const text = await loadout(['rejects', '--limit', '500'], home, url, env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(
      `${summary.rejected} rejected record(s), ${unknown} unknown event record(s)`,
    );
    // The record's preview stops at 80 characters, just past the escape sequence's start.
    expect(text.stdout).toContain('"reason":"\\x1b');
    expect(text.stdout).not.toContain('\u001b');
    const bad = await loadout(['rejects', '--since', 'yesterday-ish'], home, url, env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--since yesterday-ish');
  },
  600_000,
);
