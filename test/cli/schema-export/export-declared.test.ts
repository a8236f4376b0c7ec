/**
 * `loadout schema export` of a declared type that evolved (the real dev server, DuckDB): the type's
 * own catalog file gets the evolved columns as declared fields, only with --force over itself, and
 * loads the same table from then on, strict included; an unknown event is refused in one escaped line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runLoadout } from '../../helpers/loadout-cli';
import { pipeline } from '../../helpers/loadout-pipeline';
import { uuidFrom, writeObject } from '../../helpers/raw-files';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-export-declared-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const purchase = (hour: number, i: number) =>
  JSON.stringify({
    event: 'purchase',
    id: uuidFrom(`h${hour}-${i}`),
    date: `2026-11-22T${String(hour).padStart(2, '0')}:0${i}:00Z`,
    psess: uuidFrom(`s${i}`),
    player_id: `p${i}`,
    sku: 'gold',
    amount: 1.5,
    currency: 'EUR',
    coupon: `C${i}`,
    promo: { pct: 10 + i },
  });

test('a declared type with evolved columns is exported into its own file, which then loads the same table', async () => {
  const home = join(dir, 'home');
  const catalog = join(dir, 'catalog');
  const p = pipeline('export-declared', { home, raw: join(dir, 'raw'), warehouse: `duckdb:${join(home, 'w.duckdb')}` });
  expect((await runLoadout(['schema', 'init', catalog], p.env)).code).toBe(0);
  const env: Record<string, string> = { ...p.env, LOADOUT_SCHEMAS: catalog };
  const purchases = async () =>
    (await p.rows(`SELECT id, coupon, promo_pct FROM loadout.purchase ORDER BY id`)).map((r) => [
      r.id,
      r.coupon,
      Number(r.promo_pct),
    ]);

  writeObject(join(dir, 'raw'), '2026/11/22/09/t.gz', gzipSync([0, 1].map((i) => purchase(9, i)).join('\n')));
  const first = await runLoadout(['run', '--json', '--evolution', 'evolve'], env);
  expect(first.code, first.stderr).toBe(0);
  const before = await purchases();
  expect(before).toHaveLength(2);

  // The file exists (it declares purchase): refused without --force, rewritten in place with it.
  const refused = await runLoadout(['schema', 'export', 'purchase'], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/purchase\.ts exists: pass --force to overwrite it/);
  const exported = await runLoadout(['schema', 'export', 'purchase', '--force', '--json'], env);
  expect(exported.code, exported.stderr).toBe(0);
  expect(JSON.parse(exported.stdout)).toMatchObject({
    from: 'declared',
    path: join(catalog, 'purchase.ts'),
    columns: ['coupon', 'promo_pct'],
  });
  const source = readFileSync(join(catalog, 'purchase.ts'), 'utf8');
  expect(source).toContain('    coupon: string({ min: 0, max: 65535 }).optional(),\n');
  expect(source).toContain('    promo: flattenOptional({ pct: integer().optional() }),\n');
  const listed = JSON.parse((await runLoadout(['schema', 'list', '--json'], env)).stdout) as {
    table: string;
    columns: { name: string; evolved?: boolean }[];
  }[];
  expect(listed.find((t) => t.table === 'purchase')!.columns.filter((c) => c.evolved)).toEqual([]);
  expect(listed.find((t) => t.table === 'purchase')!.columns.map((c) => c.name)).toContain('promo_pct');

  // Declared now: strict keeps them, a redelivered record stays one row.
  writeObject(join(dir, 'raw'), '2026/11/22/10/t.gz', gzipSync([purchase(9, 0), purchase(10, 2)].join('\n')));
  const second = await runLoadout(['run', '--json', '--evolution', 'strict'], env);
  expect(second.code, second.stderr).toBe(0);
  const after = await purchases();
  expect(after).toEqual(
    [...before, [uuidFrom('h10-2'), 'C2', 12]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );

  const unknown = await runLoadout(['schema', 'export', 'nope\u001b[2J'], env);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).not.toContain('\u001b');
  expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  expect(unknown.stderr).toMatch(/no event type or inferred table "nope\\u001b\[2J"/);
}, 400_000);
