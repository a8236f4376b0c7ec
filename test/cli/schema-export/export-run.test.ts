/**
 * `loadout schema export` of inferred tables, end to end as a user runs it (the real dev server,
 * DuckDB and PostgreSQL): infer tables from unknown records and load them, export them into the
 * catalog folder, load more (a redelivery of a loaded record among new ones): the exported file
 * takes precedence (declared, no migration) and the tables are the same tables, with no duplicate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runLoadout } from '../../helpers/loadout-cli';
import { pipeline } from '../../helpers/loadout-pipeline';
import { startPostgres, type PostgresServer } from '../../helpers/postgres-server';
import { uuidFrom, writeObject } from '../../helpers/raw-files';

let dir: string;
let postgres: PostgresServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-export-'));
  postgres = await startPostgres();
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const achievement = (hour: number, i: number) =>
  JSON.stringify({
    event: 'achievement_unlocked',
    id: uuidFrom(`a${hour}-${i}`).toUpperCase(),
    date: `2026-11-22T${hour}:0${i}:00Z`,
    tier: i,
    meta: { rare: i === 0, by: uuidFrom(`p${i}`) },
  });
// No id: keyed by a hash of the record. `code` is a number in some records and text in others.
const ping = (hour: number, i: number) =>
  JSON.stringify({
    event: 'Server Ping!',
    ms: 10.25 + i + hour,
    date: `2026-11-22T${hour}:0${i}:00Z`,
    code: i % 2 ? `E${i}` : i,
  });

function writeLines(raw: string, hour: number, lines: string[]): void {
  writeObject(raw, `2026/11/22/${hour}/t.gz`, gzipSync(`${lines.join('\n')}\n`));
}

describe.each([
  ['duckdb', (home: string) => `duckdb:${join(home, 'warehouse.duckdb')}`],
  ['postgres', () => postgres.url],
])('export on %s', (name, warehouseOf) => {
  test('export then load gives the same tables, a redelivered record included, with the file taking precedence', async () => {
    const home = join(dir, name);
    const catalog = join(dir, `catalog-${name}`);
    const p = pipeline(`export-${name}`, { home, raw: join(dir, `raw-${name}`), warehouse: warehouseOf(home) });
    const raw = p.env.LOADOUT_RAW!;
    const table = async (t: string) => {
      const columns = await p.rows(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'loadout' AND table_name = '${t}' AND column_name NOT LIKE '\\_loadout\\_%' ESCAPE '\\' ORDER BY column_name`,
      );
      const names = columns.map((c) => `"${String(c.column_name)}"`).join(', ');
      return { columns, rows: await p.rows(`SELECT _loadout_key, ${names} FROM loadout.${t} ORDER BY _loadout_key`) };
    };

    writeLines(
      raw,
      10,
      [0, 1, 2].flatMap((i) => [achievement(10, i), ping(10, i), ping(10, i)]),
    );
    expect((await p.run('--evolution', 'infer')).unknown).toEqual({});
    const pingTable = (await p.json<{ table: string; event: string }[]>('schema', 'list')).find(
      (t) => t.event === 'Server Ping!',
    )!.table;
    const before = { achievements: await table('achievement_unlocked'), pings: await table(pingTable) };
    expect(before.pings.rows).toHaveLength(3);

    // A studio's catalog package; the exports go into it (the catalog folder is the default --out).
    expect((await runLoadout(['schema', 'init', catalog], p.env)).code).toBe(0);
    const exported = await p.json<{ path: string; from: string; version: number }>(
      'schema',
      'export',
      'achievement_unlocked',
      '--schemas',
      catalog,
    );
    expect(exported).toMatchObject({ from: 'inferred', version: 1, path: join(catalog, 'achievement-unlocked.ts') });
    const source = readFileSync(exported.path, 'utf8');
    expect(source).toContain('recordKey: true');
    expect(source).toContain('id: uuid().optional()');
    expect(source).toContain('meta: flattenOptional({ by: uuid().optional(), rare: boolean().optional() })');
    const pingFile = await p.json<{ path: string }>('schema', 'export', pingTable, '--schemas', catalog);
    expect(readFileSync(pingFile.path, 'utf8')).toContain('code: anyText().optional()');

    // Declared from now on: listed as declared, and the warehouse needs no migration for it.
    const env = { ...p.env, LOADOUT_SCHEMAS: catalog, LOADOUT_EVOLUTION: 'infer' };
    const listed = JSON.parse((await runLoadout(['schema', 'list', '--json'], env)).stdout) as Record<
      string,
      unknown
    >[];
    for (const t of ['achievement_unlocked', pingTable])
      expect(listed.find((d) => d.table === t)).toMatchObject({ uniqueKey: ['_loadout_key'], evolution: 'evolve' });
    expect(listed.filter((d) => d.inferred === true)).toEqual([]);
    const plan = JSON.parse(
      (await runLoadout(['migrate', '--json', '--tables', `achievement_unlocked,${pingTable}`], env)).stdout,
    ) as { tables: { plan: { changes: unknown[]; refused: unknown[] } }[] };
    expect(plan.tables.map((t) => [t.plan.changes, t.plan.refused])).toEqual([
      [[], []],
      [[], []],
    ]);

    // A redelivery of loaded records among new ones, under the exported schema.
    writeLines(raw, 11, [achievement(10, 0), ping(10, 1), achievement(11, 3), ping(11, 3), ping(11, 4)]);
    const second = await runLoadout(['run', '--json'], env);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ unknown: {} });
    const after = { achievements: await table('achievement_unlocked'), pings: await table(pingTable) };
    expect(after.achievements.columns).toEqual(before.achievements.columns);
    expect(after.pings.columns).toEqual(before.pings.columns);
    const added = (rows: Record<string, unknown>[], was: Record<string, unknown>[]) =>
      rows.filter((r) => !was.some((w) => w._loadout_key === r._loadout_key));
    // Every row loaded before is there as it was; one row per new record; none twice.
    expect(after.achievements.rows.filter((r) => !added([r], before.achievements.rows).length)).toEqual(
      before.achievements.rows,
    );
    expect(after.pings.rows.filter((r) => !added([r], before.pings.rows).length)).toEqual(before.pings.rows);
    expect(added(after.achievements.rows, before.achievements.rows)).toHaveLength(1);
    expect(added(after.pings.rows, before.pings.rows).map((r) => r.code)).toEqual(expect.arrayContaining(['E3', '4']));
    expect(after.pings.rows).toHaveLength(5);
  }, 400_000);
});
