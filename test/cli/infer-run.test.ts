/**
 * `loadout run` under `infer`, as a user runs it (child processes, the real dev server, DuckDB and
 * PostgreSQL): event types no schema declares get tables of their own, the records kept in
 * `unknown/` before the switch included, keyed by their uuid `id` or else by a hash of the record
 * (exact redeliveries collapse); a second run changes nothing.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runLoadout } from '../helpers/loadout-cli';
import { pipeline } from '../helpers/loadout-pipeline';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { uuidFrom, writeObject } from '../helpers/raw-files';

let dir: string;
let postgres: PostgresServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-infer-'));
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Hour `hour`: `n` achievements (uuid ids) and `n` pings (no id), every ping delivered twice. */
function writeHour(raw: string, hour: number, n: number): void {
  const date = (i: number) => `2026-11-22T${String(hour).padStart(2, '0')}:0${i}:00Z`;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = uuidFrom(`a${hour}-${i}`).toUpperCase();
    lines.push(JSON.stringify({ event: 'achievement_unlocked', id, date: date(i), tier: i, meta: { rare: i === 0 } }));
    const ping = JSON.stringify({ event: 'Server Ping!', ms: 10 + i + hour * 0.5, region: 'eu', at: date(i) });
    lines.push(ping, ping);
  }
  writeObject(raw, `2026/11/22/${String(hour).padStart(2, '0')}/t.gz`, gzipSync(`${lines.join('\n')}\n`));
}

describe.each([
  ['duckdb', (home: string) => `duckdb:${join(home, 'warehouse.duckdb')}`],
  ['postgres', () => postgres.url],
])('infer on %s', (name, warehouseOf) => {
  test('unknown event types get tables with the right rows and keys, records kept before the switch included', async () => {
    const home = join(dir, name);
    const raw = join(dir, `raw-${name}`);
    const p = pipeline(`infer-${name}`, { home, raw, warehouse: warehouseOf(home) });
    const env = p.env;
    const run = (evolution: string) => p.run('--evolution', evolution);
    const rows = p.rows;

    // Before the switch: kept in unknown/, never loaded.
    writeHour(raw, 9, 3);
    expect((await run('evolve')).unknown).toEqual({ achievement_unlocked: 3, 'Server Ping!': 6 });
    expect(readdirSync(join(home, 'lake', 'unknown'))).toHaveLength(1);

    writeHour(raw, 10, 2);
    expect((await run('infer')).unknown).toEqual({});
    const pingTable = (
      await rows(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'loadout' AND table_name LIKE 'server_ping%'`,
      )
    ).map((r) => String(r.table_name));
    expect(pingTable).toEqual([expect.stringMatching(/^server_ping__[0-9a-f]{8}$/)]);
    const achievements = await rows(
      `SELECT _loadout_key, id, tier, meta_rare FROM loadout.achievement_unlocked ORDER BY "date"`,
    );
    const expected = [
      ...[0, 1, 2].map((i) => [uuidFrom(`a9-${i}`), i]),
      ...[0, 1].map((i) => [uuidFrom(`a10-${i}`), i]),
    ];
    expect(achievements.map((r) => [r._loadout_key, Number(r.tier)])).toEqual(expected);
    expect(achievements.every((r) => r.id === r._loadout_key)).toBe(true);
    expect(achievements.map((r) => r.meta_rare)).toEqual([true, false, false, true, false]);
    const pings = await rows(`SELECT _loadout_key, ms, region FROM loadout.${pingTable[0]} ORDER BY ms`);
    // Each ping twice in the source, once in the table: the key is a hash of the record.
    expect(pings.map((r) => Number(r.ms))).toEqual([14.5, 15, 15.5, 16, 16.5]);
    expect(pings.every((r) => /^h[0-9a-f]{32}$/.test(String(r._loadout_key)))).toBe(true);

    // The inferred schemas: versioned in the lake, shown by `schema list` and `schema drift`.
    const listed = JSON.parse((await runLoadout(['schema', 'list', '--json'], env)).stdout) as {
      table: string;
      columns: { name: string }[];
    }[];
    expect(listed.find((t) => t.table === 'achievement_unlocked')).toMatchObject({
      event: 'achievement_unlocked',
      inferred: true,
      version: 1,
      uniqueKey: ['_loadout_key'],
    });
    expect(listed.find((t) => t.table === 'achievement_unlocked')!.columns.map((c) => c.name)).toEqual([
      '_loadout_key',
      'date',
      'id',
      'meta_rare',
      'tier',
    ]);
    const drift = JSON.parse((await runLoadout(['schema', 'drift', '--json', '--evolution', 'infer'], env)).stdout) as {
      evolution: string;
      inferredTables: { event: string; version: number }[];
    };
    expect(drift.evolution).toBe('infer');
    expect(drift.inferredTables.map((t) => [t.event, t.version])).toEqual([
      ['achievement_unlocked', 1],
      ['Server Ping!', 1],
    ]);

    // Exactly once: a second run stages nothing new and the tables stay as they are.
    await run('infer');
    expect(Number((await rows(`SELECT COUNT(*) AS n FROM loadout.achievement_unlocked`))[0]!.n)).toBe(5);
    expect(Number((await rows(`SELECT COUNT(*) AS n FROM loadout.${pingTable[0]}`))[0]!.n)).toBe(5);
  });
});
