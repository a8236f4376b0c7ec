/**
 * `loadout run` on a raw zone where good objects sit beside bad ones of every kind: the warehouse
 * holds exactly the good records, each bad object is quarantined with its reason, nothing retries.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { QuarantineRecord } from '../../core/quarantine';
import { generateTelemetry, type GenerateResult } from '../../generator/generate-telemetry';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { uniqueTaskQueue } from '../helpers/temporal';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));
let dir: string;
let raw: string;
let generated: GenerateResult;

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const sessionEnd = (n: number) =>
  JSON.stringify({
    event: 'session_end',
    id: uuid(n),
    date: '2026-11-22T10:00:00Z',
    psess: uuid(900),
    duration_s: n,
    reason: 'quit',
  });

/** The bad objects and the kind each must be quarantined as. */
const quarantined: Record<string, string> = {
  'bad/corrupt.gz': 'corrupt-compression',
  'bad/cut.gz': 'corrupt-compression',
  'bad/packed.zst': 'unsupported-compression',
  'bad/wide.json': 'not-text',
  'bad/blob.bin': 'not-text',
  'bad/new\nline.json': 'invalid-key',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-bad-input-'));
  raw = join(dir, 'raw');
  generated = await generateTelemetry({ outDir: raw, events: 5_000, files: 3, seed: 5 });
  mkdirSync(join(raw, 'bad'), { recursive: true });
  const put = (key: string, body: Buffer | string) => writeFileSync(join(raw, key), body);
  put('bad/corrupt.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not gzip at all')]));
  const cut = gzipSync(`${Array.from({ length: 3000 }, (_, i) => sessionEnd(100_000 + i)).join('\n')}\n`);
  put('bad/cut.gz', cut.subarray(0, Math.floor(cut.length * 0.7)));
  put('bad/packed.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, ...Buffer.from(sessionEnd(7))]));
  put('bad/wide.json', Buffer.from(`${sessionEnd(8)}\n`.repeat(20), 'utf16le'));
  let seed = 3;
  put(
    'bad/blob.bin',
    Buffer.from(Array.from({ length: 20_000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 0xff)),
  );
  // A readable object whose bad lines are rejects of their own: invalid UTF-8, a NUL, 100,000 levels.
  put(
    'bad/lines.json',
    Buffer.concat([
      Buffer.from(`${sessionEnd(1)}\n`),
      Buffer.from('{"event":"session_end","x":"\xff"}\n', 'latin1'),
      Buffer.from(`{"event":"session_end"\u0000}\n${'['.repeat(100_000)}${']'.repeat(100_000)}\n${sessionEnd(2)}\n`),
    ]),
  );
  // A name no store operation can address: quarantined by the listing itself.
  put('bad/new\nline.json', `${sessionEnd(4)}\n`);
  // A link to a file outside the raw zone is not read.
  writeFileSync(join(dir, 'outside.json'), `${sessionEnd(3)}\n`);
  symlinkSync(join(dir, 'outside.json'), join(raw, 'bad', 'link.json'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('good objects load exactly beside bad ones; each bad object is quarantined with its reason, on the first attempt', async () => {
  const home = join(dir, 'home');
  const warehouse = `duckdb:${join(home, 'warehouse.duckdb')}`;
  // Quarantined objects need a person: the run loads what it can, says so, and exits 1.
  const failed = await run(
    process.execPath,
    [bin, 'run', raw, '--json', '--warehouse', warehouse, '--env', `bad-${uniqueTaskQueue('x').slice(-6)}`],
    {
      env: {
        ...process.env,
        LOADOUT_HOME: home,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        LOADOUT_TASK_QUEUE: uniqueTaskQueue('bad-input'),
        LOADOUT_LOAD_EVERY: '1h',
      },
      maxBuffer: 64 << 20,
    },
  ).then(
    () => undefined,
    (error: unknown) => error as { code: number; stdout: string },
  );
  expect(failed?.code).toBe(1);
  const summary = JSON.parse(failed!.stdout) as {
    tables: Record<string, number>;
    rejected: number;
    quarantined: { key: string; kind: string }[];
  };
  expect(Object.fromEntries(summary.quarantined.map((q) => [q.key, q.kind]))).toEqual(quarantined);
  const expected = {
    ...generated.expected.distinctValid,
    session_end: (generated.expected.distinctValid.session_end ?? 0) + 2,
  };
  expect(summary.tables).toEqual(expected);
  expect(summary.rejected).toBe(generated.expected.invalid + 3);

  const w = await openWarehouse(warehouse);
  try {
    for (const [table, rows] of Object.entries(expected)) {
      expect(await w.query(`SELECT COUNT(*) AS n FROM loadout.${table}`), table).toEqual([{ n: rows }]);
    }
    expect(
      await w.query(`SELECT COUNT(*) AS n FROM loadout.session_end WHERE id IN ('${uuid(1)}', '${uuid(2)}')`),
    ).toEqual([{ n: 2 }]);
  } finally {
    await w.close();
  }

  const lake = join(home, 'lake', 'quarantine');
  const records = readdirSync(lake).map((f) => JSON.parse(readFileSync(join(lake, f), 'utf8')) as QuarantineRecord);
  expect(Object.fromEntries(records.map((r) => [r.key, r.kind]))).toEqual(quarantined);
  for (const r of records.filter((x) => x.kind !== 'invalid-key')) expect(r.reason).toContain(r.key);
});
