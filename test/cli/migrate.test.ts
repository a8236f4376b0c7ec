/** `loadout migrate` and the blocked table in `loadout status`, as a user runs them: the CLI entry, the real dev server, DuckDB. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import type { ExistingColumn } from '../../stores/warehouse/warehouse';
import type { SchemaMigrationResult } from '../../workflows/schema-migration-types';
import { uniqueTaskQueue } from '../helpers/temporal';

const execFileAsync = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
const shippedEvents = fileURLToPath(new URL('../../schemas/events/', import.meta.url));
const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));
let dir: string;
let warehouse: string;
const environment = `migrate-${Math.random().toString(36).slice(2, 8)}`;
const taskQueue = uniqueTaskQueue('migrate');

/** A catalog directory of two event files, copies of the shipped ones, optionally edited. */
function catalogDir(name: string, edit: (purchase: string) => string = (s) => s): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  // TypeScript event files are ES modules: outside the project, their directory says so.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const file of ['purchase.ts', 'session-begin.ts']) {
    const text = readFileSync(join(shippedEvents, file), 'utf8')
      .replace("from '../define-event'", `from '${join(schemasDir, 'define-event.ts')}'`)
      .replace("from '../fields'", `from '${join(schemasDir, 'fields.ts')}'`);
    writeFileSync(join(out, file), file === 'purchase.ts' ? edit(text) : text);
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-migrate-cli-'));
  warehouse = `duckdb:${join(dir, 'w.duckdb')}`;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadout(args: string[], schemas: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [bin, ...args, '--warehouse', warehouse, '--env', environment, '--schemas', schemas],
      {
        env: {
          ...process.env,
          LOADOUT_HOME: join(dir, 'home'),
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_NAMESPACE: inject('temporalNamespace'),
          LOADOUT_TASK_QUEUE: taskQueue,
          LOADOUT_LOAD_EVERY: '1h',
        },
        maxBuffer: 16 << 20,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as Error & { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function describeTable(table: string): Promise<ExistingColumn[] | undefined> {
  const w = await openWarehouse(warehouse);
  try {
    return await w.describeTable('loadout', table);
  } finally {
    await w.close();
  }
}

test('plan by default, --apply applies, a refused change exits 1 with a one-line reason and alters nothing; status shows the block', async () => {
  const shipped = catalogDir('shipped');
  const plan = await loadout(['migrate', '--json'], shipped);
  expect(plan.code, plan.stderr).toBe(0);
  const planned = JSON.parse(plan.stdout) as SchemaMigrationResult & { refused: boolean };
  expect(planned).toMatchObject({ environment, apply: false, refused: false });
  expect(planned.tables.map((t) => [t.table, t.plan.changes.map((c) => c.kind), t.applied])).toEqual([
    ['purchase', ['createTable'], []],
    ['session_begin', ['createTable'], []],
  ]);
  expect(await describeTable('purchase')).toBeUndefined();

  const human = await loadout(['migrate'], shipped);
  expect(human.code, human.stderr).toBe(0);
  expect(human.stdout).toMatch(/^table\s+change\s+state\n/);
  expect(human.stdout).toMatch(/purchase\s+create loadout\.purchase with 9 columns\s+planned/);
  expect(human.stdout).toContain('nothing was changed: run loadout migrate --apply to apply the planned changes');

  const apply = await loadout(['migrate', '--apply', '--json'], shipped);
  expect(apply.code, apply.stderr).toBe(0);
  expect((JSON.parse(apply.stdout) as SchemaMigrationResult).tables.map((t) => t.applied.map((c) => c.kind))).toEqual([
    ['createTable'],
    ['createTable'],
  ]);
  const before = await describeTable('purchase');
  expect(before!.map((c) => c.name)).toEqual([
    ...['id', 'date', 'psess', 'player_id', 'sku', 'amount', 'currency'],
    ...['_loadout_batch', '_loadout_loaded_at'],
  ]);

  const again = await loadout(['migrate'], shipped);
  expect(again.stdout.trim()).toBe('up to date: purchase, session_begin');

  // A studio declares amount as a whole number: a type change.
  const retyped = catalogDir('retyped', (s) =>
    s
      .replace('amount: decimal({ min: 0, max: 1_000_000 })', 'amount: integer({ min: 0 })')
      .replace('import { decimal,', 'import { decimal, integer,'),
  );
  const refused = await loadout(['migrate', '--apply'], retyped);
  expect(refused.code).toBe(1);
  const reason =
    'loadout: schema migration refused for purchase (amount): that table was not altered and its staged files wait until the plan is carried out';
  expect(refused.stderr.split('\n').filter((l) => l.startsWith('loadout:'))).toEqual([reason]);
  expect(refused.stdout).toMatch(
    /purchase\s+amount is decimal\(18,4\) in loadout\.purchase but declared int64 \(BIGINT\); .*REFUSED/,
  );
  expect(refused.stdout).toContain(
    'purchase.amount: to rebuild the table with its rows converted, in one transaction: loadout migrate --rebuild purchase --apply; or to convert the column in place run: ALTER TABLE "loadout"."purchase" ALTER COLUMN "amount" TYPE BIGINT USING CAST("amount" AS BIGINT)',
  );
  expect(refused.stdout).toContain('up to date: session_begin');
  expect(await describeTable('purchase')).toEqual(before);

  const json = await loadout(['migrate', '--json'], retyped);
  expect(json.code).toBe(1);
  const document = JSON.parse(json.stdout) as SchemaMigrationResult & { refused: boolean; reason: string };
  expect(document.refused).toBe(true);
  expect(document.reason.split('\n')[0]).toBe(reason.slice('loadout: '.length));
  expect(document.tables.find((t) => t.table === 'purchase')!.plan.refused.map((r) => r.kind)).toEqual(['typeChange']);

  // Another table alone is not held back by purchase's refusal.
  const other = await loadout(['migrate', '--tables', 'session_begin', '--apply'], retyped);
  expect(other.code, other.stderr).toBe(0);
  expect(other.stdout.trim()).toBe('up to date: session_begin');

  const unknown = await loadout(['migrate', '--tables', 'nope'], retyped);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(
    /^loadout: schemaMigration loadout-migrate-\S+ failed: no schema declares table nope$/m,
  );

  const status = await loadout(['status'], retyped);
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toMatch(/\npurchase\s.*\sBLOCKED\n/);
  expect(status.stdout).toMatch(/\nsession_begin\s.*\sok\n/);
  expect(status.stdout).toContain(
    'BLOCKED purchase: 0 staged files wait for a refused schema change (loadout migrate shows the plan)',
  );
  expect(status.stdout).toContain('  amount: amount is decimal(18,4) in loadout.purchase but declared int64 (BIGINT)');
});
