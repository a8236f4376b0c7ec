/** A warehouse URL's password never shows in what `loadout` prints: the demo's summary and its JSON. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { runLoadout } from '../helpers/loadout-cli';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server';
import { uniqueTaskQueue } from '../helpers/temporal';

let dir: string;
let postgres: PostgresServer;
const password = `pw-${randomUUID()}`;
/** The test cluster trusts loopback, so any password connects: the point is where it gets printed. */
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadout-masking-'));
  postgres = await startPostgres();
  url = postgres.url.replace(/^postgres:\/\/([^@/]+)@/, `postgres://$1:${password}@`);
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const env = (name: string) => ({
  LOADOUT_HOME: join(dir, name),
  LOADOUT_WAREHOUSE: url,
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  LOADOUT_TASK_QUEUE: uniqueTaskQueue(name),
  LOADOUT_ENV: `mask-${randomUUID().slice(0, 6)}`,
  LOADOUT_LOAD_EVERY: '1h',
});

test('loadout demo prints the PostgreSQL warehouse with its password masked, as text and as JSON', async () => {
  expect(url).toContain(`:${password}@`);
  const json = await runLoadout(['demo', '--json', '--events', '2000'], env('demo-json'));
  expect(json.code, json.stderr).toBe(0);
  expect(JSON.parse(json.stdout).warehouse).toBe(url.replace(password, '***'));
  const text = await runLoadout(['demo', '--events', '2000'], env('demo-text'));
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toContain(url.replace(password, '***'));
  for (const output of [json, text]) expect(output.stdout + output.stderr).not.toContain(password);
});
