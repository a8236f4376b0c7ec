/**
 * A studio's round trip, through the `loadout` command: a new attribute and a new event type
 * appear in the source; `schema drift` records them with counts; the studio declares them,
 * `migrate --apply`, `replay` the window, and the rows are in the warehouse.
 */
import { execFile } from 'node:child_process';
import { symlinkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { DriftReport } from '../../core/drift-registry';
import { SHIPPED_EVENTS_DIR } from '../../schemas/catalog';
import { DuckDbWarehouse } from '../../stores/warehouse/duckdb-warehouse';
import { uuidFrom, writeObject } from '../helpers/raw-files';
import { uniqueTaskQueue } from '../helpers/temporal';

const execute = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
const schemasRoot = fileURLToPath(new URL('../../schemas/', import.meta.url));
let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-drift-'));
  env = {
    ...(process.env as Record<string, string>),
    LOADOUT_HOME: join(dir, 'home'),
    LOADOUT_RAW: join(dir, 'raw'),
    LOADOUT_ENV: `drift-${Math.random().toString(36).slice(2, 8)}`,
    LOADOUT_LOAD_EVERY: '1h',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_TASK_QUEUE: uniqueTaskQueue('drift'),
  };
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadout<T>(...args: string[]): Promise<T> {
  const { stdout } = await execute(process.execPath, [bin, ...args, '--json'], { env, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as T;
}

/** Hour `hour` of 2026-11-22: purchases carrying `store`, and `achievement_unlocked`, which no schema declares. */
function writeHour(hour: number, players: number): void {
  const lines: string[] = [];
  for (let i = 0; i < players; i++) {
    const seed = `h${hour}-${i}`;
    const date = `2026-11-22T${String(hour).padStart(2, '0')}:0${i % 10}:00Z`;
    const psess = uuidFrom(`${seed}-s`);
    lines.push(
      JSON.stringify({
        event: 'session_begin',
        id: uuidFrom(`${seed}-b`),
        date,
        psess,
        player_id: `p${i}`,
        platform: 'pc',
        app_version: '2.0',
      }),
    );
    lines.push(
      JSON.stringify({
        event: 'purchase',
        id: uuidFrom(`${seed}-u`),
        date,
        psess,
        player_id: `p${i}`,
        sku: 'gold',
        amount: 1.5,
        currency: 'EUR',
        store: 'steam',
      }),
    );
    if (i % 2 === 0)
      lines.push(
        JSON.stringify({
          event: 'achievement_unlocked',
          id: uuidFrom(`${seed}-a`),
          date,
          psess,
          achievement: `first-${i}`,
          tier: i,
        }),
      );
  }
  writeObject(
    join(dir, 'raw'),
    `2026/11/22/${String(hour).padStart(2, '0')}/telemetry-${hour}.gz`,
    gzipSync(`${lines.join('\n')}\n`),
  );
}

/** The shipped schemas plus the studio's changes, in their own directory (imports pointing at the project's builders). */
function writeStudioSchemas(): string {
  const out = join(dir, 'schemas');
  mkdirSync(out, { recursive: true });
  // TypeScript event files are ES modules: outside the project, their directory says so.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  // A studio's schemas live in its own package, with zod among its dependencies: here, the project's.
  symlinkSync(join(schemasRoot, '..', 'node_modules'), join(dir, 'node_modules'));
  const builders = (text: string) =>
    text
      .replaceAll("from '../define-event'", `from '${join(schemasRoot, 'define-event.ts')}'`)
      .replaceAll("from '../fields'", `from '${join(schemasRoot, 'fields.ts')}'`);
  for (const file of readdirSync(SHIPPED_EVENTS_DIR)) {
    if (file === 'purchase.ts') {
      const purchase = readFileSync(join(SHIPPED_EVENTS_DIR, file), 'utf8').replace(
        'currency: pattern(',
        'store: string({ max: 32 }).optional(),\n    currency: pattern(',
      );
      writeFileSync(join(out, file), builders(purchase));
    } else {
      writeFileSync(join(out, file), builders(readFileSync(join(SHIPPED_EVENTS_DIR, file), 'utf8')));
    }
  }
  writeFileSync(
    join(out, 'achievement-unlocked.ts'),
    builders(`import { defineEvent } from '../define-event';
import { integer, string, timestamp, uuid } from '../fields';

export default defineEvent({
  tag: 'achievement_unlocked',
  uniqueKey: ['id'],
  fields: { id: uuid(), date: timestamp(), psess: uuid(), achievement: string({ max: 64 }), tier: integer({ min: 0, max: 100 }) },
});
`),
  );
  return out;
}

async function warehouseRows(sql: string) {
  const w = new DuckDbWarehouse(join(dir, 'home', 'warehouse.duckdb'));
  try {
    return await w.query(sql);
  } finally {
    await w.close();
  }
}

test('drift is recorded with counts; after declaring, migrating and replaying, the rows are in the warehouse', async () => {
  writeHour(9, 6);
  writeHour(10, 8);
  const first = await loadout<{ tables: Record<string, number>; unknown: Record<string, number> }>('run');
  expect(first.tables).toMatchObject({ purchase: 14, session_begin: 14 });
  expect(first.unknown).toEqual({ achievement_unlocked: 7 });

  const drift = await loadout<DriftReport>('schema', 'drift');
  expect(drift.newAttributes).toEqual([
    expect.objectContaining({
      event: 'purchase',
      attribute: 'store',
      records: 14,
      example: expect.stringContaining('"store":"steam"'),
    }),
  ]);
  expect(drift.unknownEvents).toEqual([
    expect.objectContaining({
      event: 'achievement_unlocked',
      records: 7,
      attributes: ['achievement', 'date', 'event', 'id', 'psess', 'tier'],
    }),
  ]);
  // Object times come from the hour partitions of the keys.
  expect(drift.newAttributes[0]).toMatchObject({
    firstSeen: expect.stringMatching(/^2026-11-22T09/),
    lastSeen: expect.stringMatching(/^2026-11-22T10/),
  });
  const human = await execute(process.execPath, [bin, 'schema', 'drift'], { env });
  expect(human.stdout).toContain('achievement_unlocked');
  expect(human.stdout).toContain('loadout replay --from');

  // The studio declares both; judged against the new catalog, nothing is left to declare.
  env.LOADOUT_SCHEMAS = writeStudioSchemas();
  const resolved = await loadout<DriftReport>('schema', 'drift');
  expect([resolved.newAttributes, resolved.unknownEvents]).toEqual([[], []]);

  await loadout('migrate', '--apply');
  const columns = await warehouseRows(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'loadout' AND table_name = 'purchase' AND column_name = 'store'`,
  );
  expect(columns).toHaveLength(1);

  const replayed = await loadout<{ progress: { phase: string; objects: number; rowsStaged: Record<string, number> } }>(
    'replay',
    '--from',
    '2026-11-22T09:00:00Z',
    '--to',
    '2026-11-22T11:00:00Z',
    '--tables',
    'purchase,achievement_unlocked',
  );
  expect(replayed.progress).toMatchObject({
    phase: 'done',
    objects: 2,
    rowsStaged: { purchase: 14, achievement_unlocked: 7 },
  });
  expect(
    await warehouseRows(`SELECT count(*)::INTEGER AS n, count(store)::INTEGER AS with_store FROM loadout.purchase`),
  ).toEqual([{ n: 14, with_store: 14 }]);
  expect(
    await warehouseRows(`SELECT count(*)::INTEGER AS n, sum(tier)::INTEGER AS tiers FROM loadout.achievement_unlocked`),
  ).toEqual([{ n: 7, tiers: 0 + 2 + 4 + 0 + 2 + 4 + 6 }]);
  expect(await warehouseRows(`SELECT count(*)::INTEGER AS n FROM loadout.session_begin`)).toEqual([{ n: 14 }]);
});
