/**
 * `loadout erase` as a user runs it: a child process on the real dev server and DuckDB. `--json`
 * prints one document (the pseudonym, rows per table, records per lake file) and never the clear
 * id; the text form reports the same; `--rewrite-raw` warns about etags and rewrites the raw zone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { openKeyRing } from '../../stores/keys/key-ring';
import { pseudonymOf } from '../../core/personal/pseudonym';
import { openObjectStore } from '../../stores/object/open-object-store';
import type { ErasureResult } from '../../workflows/erasure-types';
import { ERASED, KEPT, PLAYERS, writeRawObject } from '../helpers/erasure-scenario';
import { runLoadout } from '../helpers/loadout-cli';
import { uniqueTaskQueue } from '../helpers/temporal';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'loadout-erase-cli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

test('loadout erase --json, again in text, then with --rewrite-raw', async () => {
  const raw = openObjectStore(join(home, 'raw'));
  writeRawObject(raw, 'a', PLAYERS, 5);
  const queue = uniqueTaskQueue('erase-cli');
  const env = {
    LOADOUT_HOME: home,
    LOADOUT_ENV: queue,
    LOADOUT_LOAD_EVERY: '1h',
    LOADOUT_TASK_QUEUE: queue,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
  };
  const ran = await runLoadout(['run', raw.location, '--json'], env);
  expect(ran.code, ran.stderr).toBe(0);

  const erased = await runLoadout(['erase', '--player', ERASED, '--json'], env);
  expect(erased.code, erased.stderr).toBe(0);
  const ring = await openKeyRing({ path: join(home, 'keys', 'personal-data.json') });
  const pseudonym = pseudonymOf(ring.personal.pseudonymKey, ERASED);
  const result = JSON.parse(erased.stdout) as ErasureResult & { workflowId: string };
  expect(result.workflowId).toBe(`loadout-erase-${queue}-${pseudonym}`);
  expect(result.pseudonym).toBe(pseudonym);
  expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toEqual({
    purchase: 1,
    score_adjustment: 1,
    session_begin: 1,
    // Their rejected and unknown records, kept as text in the tables of rejects and unknown events.
    loadout_rejects: 2,
    loadout_unknown: 1,
    personal_data: 1,
  });
  expect(result.files.length).toBeGreaterThanOrEqual(7);
  // A file per table holding the player, the files of the rejects and unknown tables included.
  expect(result.lake.tables).toEqual({ files: 5, records: 6 });
  expect(result.lake['personal-data']).toEqual({ files: 1, records: 1 });
  expect(`${erased.stdout}${erased.stderr}`).not.toContain(ERASED);

  const again = await runLoadout(['erase', '--player', ERASED], env);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toContain(`pseudonym ${pseudonym}`);
  expect(again.stdout).toContain('0 rows deleted from 0 tables, 0 records removed from 0 lake files');
  expect(again.stdout).not.toContain(ERASED);

  const rewritten = await runLoadout(['erase', '--player', ERASED, '--rewrite-raw', '--json'], env);
  expect(rewritten.code, rewritten.stderr).toBe(0);
  expect(rewritten.stderr).toContain('changes their etags');
  expect((JSON.parse(rewritten.stdout) as ErasureResult).raw).toEqual({
    files: [{ key: '2026/11/22/10/a.gz', removed: 6 }],
    filesRewritten: 1,
    recordsRemoved: 6,
  });
  const text = gunzipSync(readFileSync(join(raw.location, '2026/11/22/10/a.gz'))).toString('utf8');
  expect(text).not.toContain(ERASED);
  expect(text).toContain(KEPT[0]);
});
