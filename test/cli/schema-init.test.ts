/** `loadout schema init`: a studio's catalog package works with LOADOUT_SCHEMAS as it is, anywhere on disk. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { SHIPPED_EVENTS_DIR } from '../../schemas/catalog';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { generateTelemetry } from '../../generator/generate-telemetry';
import { runLoadout } from '../helpers/loadout-cli';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
const env = () => ({ LOADOUT_HOME: join(dir, 'home') });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-schema-init-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('init writes a package whose catalog is the shipped one, column for column', async () => {
  const catalog = join(dir, 'studio-catalog');
  const init = await runLoadout(['schema', 'init', catalog, '--json'], env());
  expect(init.stderr).toBe('');
  expect(JSON.parse(init.stdout).files).toContain('package.json');
  expect(JSON.parse(readFileSync(join(catalog, 'package.json'), 'utf8')).type).toBe('module');
  expect(readFileSync(join(catalog, 'purchase.ts'), 'utf8')).toContain("from 'loadout/schemas'");
  const shipped = await runLoadout(['schema', 'list', '--json'], env());
  const theirs = await runLoadout(['schema', 'list', '--json'], { ...env(), LOADOUT_SCHEMAS: catalog });
  expect(theirs.stderr).toBe('');
  expect(JSON.parse(theirs.stdout)).toEqual(JSON.parse(shipped.stdout));

  const again = await runLoadout(['schema', 'init', catalog], env());
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^loadout: .*studio-catalog is not empty/);
});

test('a new event file imports loadout/schemas and zod with no node_modules of its own', async () => {
  const catalog = join(dir, 'own');
  await runLoadout(['schema', 'init', catalog], env());
  writeFileSync(
    join(catalog, 'level-up.ts'),
    [
      "import { z } from 'zod';",
      "import { defineEvent, integer, jsonText, timestamp, uuid } from 'loadout/schemas';",
      'export default defineEvent({',
      "  tag: 'level_up',",
      "  uniqueKey: ['id'],",
      '  fields: { id: uuid(), date: timestamp(), level: integer({ min: 1 }), perks: jsonText(z.array(z.string())) },',
      '});',
    ].join('\n'),
  );
  const listed = await runLoadout(['schema', 'list', '--json', '--schemas', catalog], env());
  expect(listed.stderr).toBe('');
  const levelUp = (JSON.parse(listed.stdout) as { table: string; columns: { name: string }[] }[]).find(
    (t) => t.table === 'level_up',
  );
  expect(levelUp?.columns.map((c) => c.name)).toEqual(['id', 'date', 'level', 'perks']);
});

test('event files copied without a package.json are refused in one line that says what to add', async () => {
  const copied = join(dir, 'copied');
  mkdirSync(copied);
  copyFileSync(join(SHIPPED_EVENTS_DIR, 'session-end.ts'), join(copied, 'session-end.ts'));
  const { code, stderr } = await runLoadout(['schema', 'list', '--schemas', copied], env());
  expect(code).toBe(1);
  expect(stderr).toMatch(/^loadout: event catalog .*copied: no package\.json with "type": "module" .*schema init/);
  expect(stderr.trim().split('\n')).toHaveLength(1);
});

test('loadout run loads a corpus through the initialised catalog', async () => {
  const catalog = join(dir, 'run-catalog');
  await runLoadout(['schema', 'init', catalog], env());
  const raw = join(dir, 'raw');
  await generateTelemetry({ outDir: raw, events: 2_000, files: 2, seed: 5 });
  const warehouse = `duckdb:${join(dir, 'w.duckdb')}`;
  const run = await runLoadout(['run', raw, '--json', '--warehouse', warehouse], {
    ...env(),
    LOADOUT_SCHEMAS: catalog,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_TASK_QUEUE: uniqueTaskQueue('schema-init'),
    LOADOUT_ENV: 'schema-init',
    LOADOUT_LOAD_EVERY: '1h',
  });
  expect(run.stderr).not.toMatch(/error/i);
  const summary = JSON.parse(run.stdout) as { tables: Record<string, number> };
  const w = await openWarehouse(warehouse);
  try {
    const [row] = await w.query('SELECT COUNT(*) AS n FROM loadout.purchase');
    expect(Number(row!.n)).toBe(summary.tables.purchase);
    expect(Number(row!.n)).toBeGreaterThan(0);
  } finally {
    await w.close();
  }
});
