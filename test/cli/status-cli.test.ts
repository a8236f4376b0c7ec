/** The loadout status command as a person runs it: its exit code while failures are outstanding, escaped names, and status ack. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { acknowledgeFailures } from '../../cli/acknowledge';
import { listRawObjects } from '../../cli/ingest';
import { collectOutstanding } from '../../cli/outstanding-failures';
import type { PipelineStatus } from '../../cli/status';
import { quarantineKeyOf, type QuarantineRecord } from '../../core/quarantine';
import { openObjectStore } from '../../stores/object/open-object-store';
import { writeSessionsObject } from '../helpers/raw-files';
import { uniqueTaskQueue } from '../helpers/temporal';
import * as workflows from '../../workflows';
import { dir, statusWorker, temporal, useStatusTestContext } from '../helpers/status-test-context';

useStatusTestContext();

const bin = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));

/** `loadout ...` as a person runs it: a child process; its exit code, stdout and stderr. */
async function loadout(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** What a terminal would act on rather than show (newline aside, which separates lines). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('loadout status exits non-zero while a failure is outstanding, prints names escaped; status ack clears each', async () => {
  const taskQueue = uniqueTaskQueue('status-cli');
  const environment = taskQueue;
  const home = join(dir, taskQueue);
  const lake = openObjectStore(join(home, 'lake'));
  const raw = openObjectStore(join(home, 'raw'));
  const env = {
    LOADOUT_HOME: home,
    LOADOUT_LAKE: lake.location,
    LOADOUT_WAREHOUSE: `duckdb:${join(home, 'w.duckdb')}`,
    LOADOUT_ENV: environment,
    LOADOUT_LOAD_EVERY: '1h',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    LOADOUT_TEMPORAL_UI: 'https://temporal.example.com/',
  };
  // A failed batch, and a quarantined object whose key and reason carry escape sequences, newlines and a bidi override.
  writeSessionsObject(raw.location, 'f/a.gz', 2, 'cli-a');
  const workflowId = `${taskQueue}-batch`;
  const worker = await statusWorker(taskQueue, lake, env.LOADOUT_WAREHOUSE);
  await worker.runUntil(
    expect(
      temporal.client.workflow.execute(workflows.fileBatch, {
        workflowId,
        taskQueue,
        args: [
          {
            source: raw.location,
            objects: await listRawObjects(raw, 'f/'),
            environment,
            replay: { catalogVersion: 'stale' },
          },
        ],
      }),
    ).rejects.toThrow(),
  );
  const hostileKey = 'g/\u001b[31mred\nFAKE LINE\u202egz.exe';
  const record: QuarantineRecord = {
    source: raw.location,
    key: hostileKey,
    etag: 'e',
    size: 3,
    kind: 'corrupt-compression',
    reason: `${hostileKey}: unreadable object: corrupt gzip\u001b[2J`,
    batchId: 'c'.repeat(32),
    workflowId: 'loadout-filebatch-q',
    at: new Date().toISOString(),
  };
  await lake.write(quarantineKeyOf(record.source, record.key), JSON.stringify(record));

  let json = await loadout(['status', '--json'], env);
  if (json.stdout === '') throw new Error(`loadout status printed nothing: ${json.code} ${json.stderr}`);
  for (
    let i = 0;
    i < 20 && (json.code !== 1 || (JSON.parse(json.stdout) as PipelineStatus).batches.failed.length === 0);
    i++
  )
    json = await loadout(['status', '--json'], env);
  expect(json.code).toBe(1);
  expect(json.stderr).toMatch(/^loadout: 2 failure\(s\) outstanding: /);
  const status = JSON.parse(json.stdout) as PipelineStatus;
  expect(status.outstanding).toBe(2);
  expect(status.quarantined.map((q) => q.key)).toEqual([hostileKey]);
  expect(status.quarantined[0]!.temporalUi).toBe(
    `https://temporal.example.com/namespaces/${temporal.namespace}/workflows/loadout-filebatch-q`,
  );
  expect(status.batches.failed[0]!.temporalUi).toMatch(
    new RegExp(
      `^https://temporal\\.example\\.com/namespaces/${temporal.namespace}/workflows/${workflowId}/[0-9a-f-]+/history$`,
    ),
  );
  expect(json.stdout).not.toMatch(CONTROL);

  const text = await loadout(['status'], env);
  expect(text.code).toBe(1);
  expect(text.stdout).not.toMatch(CONTROL);
  expect(text.stdout.split('\n').filter((l) => l.startsWith('FAKE LINE'))).toEqual([]);
  expect(text.stdout).toContain('QUARANTINED g/\\x1b[31mred\\nFAKE LINE\\u202egz.exe (corrupt-compression)');
  expect(text.stdout).toContain(
    '  reason: g/\\x1b[31mred\\nFAKE LINE\\u202egz.exe: unreadable object: corrupt gzip\\x1b[2J\n',
  );
  expect(text.stdout).toContain(`FAILED batch ${workflowId}`);
  expect(text.stdout).toMatch(/reason: this worker's schemas \(version \w+\) differ from the replay's \(stale\)/);

  // A target that names nothing changes nothing.
  const typo = await loadout(['status', 'ack', 'g/nothing.gz'], env);
  expect(typo.code).toBe(1);
  expect(typo.stderr).toBe(
    'loadout: no outstanding failure has the workflow id or object key "g/nothing.gz": loadout status lists them\n',
  );

  const ackKey = await loadout(['status', 'ack', hostileKey, '--json'], env);
  expect(ackKey.code).toBe(0);
  expect(JSON.parse(ackKey.stdout)).toEqual({
    batches: [],
    quarantined: [{ key: hostileKey, source: raw.location, record: quarantineKeyOf(raw.location, hostileKey) }],
  });
  expect(await lake.head(quarantineKeyOf(raw.location, hostileKey))).toBeUndefined();
  expect(
    await lake.head(quarantineKeyOf(raw.location, hostileKey).replace('quarantine/', 'quarantine-acknowledged/')),
  ).toBeDefined();
  const oneLeft = await loadout(['status', '--json'], env);
  expect([oneLeft.code, (JSON.parse(oneLeft.stdout) as PipelineStatus).outstanding]).toEqual([1, 1]);

  const ackBatch = await loadout(['status', 'ack', workflowId], env);
  expect(ackBatch).toMatchObject({ code: 0, stdout: `acknowledged failed batch ${workflowId} (1 object)\n` });
  const clear = await loadout(['status', '--json'], env);
  expect(clear.code).toBe(0);
  expect(JSON.parse(clear.stdout)).toMatchObject({ outstanding: 0, batches: { failed: [] }, quarantined: [] });
  // Acknowledged, not forgotten: the run is still failed in Temporal.
  expect((await temporal.client.workflow.getHandle(workflowId).describe()).status.name).toBe('FAILED');
});

test('status ack --all moves every open quarantine record to quarantine-acknowledged/, keeping its name', async () => {
  const home = join(dir, `ack-all-${randomUUID().slice(0, 8)}`);
  const lake = openObjectStore(join(home, 'lake'));
  const records = ['h/one.gz', 'h/two\ttab.gz'].map((key): QuarantineRecord => ({
    source: join(home, 'raw'),
    key,
    etag: 'e',
    size: 1,
    kind: 'not-text',
    reason: `${key}: not UTF-8 text`,
    batchId: 'd'.repeat(32),
    at: '2026-12-01T10:00:00.000Z',
  }));
  for (const r of records) await lake.write(quarantineKeyOf(r.source, r.key), JSON.stringify(r));
  const outstanding = await collectOutstanding(temporal.client, lake, uniqueTaskQueue('ack-all'), {
    namespace: temporal.namespace,
  });
  expect(outstanding.quarantined.map((q) => q.key).sort()).toEqual(['h/one.gz', 'h/two\ttab.gz']);
  const done = await acknowledgeFailures(lake, outstanding, [], true);
  expect(done.quarantined.map((q) => q.key).sort()).toEqual(['h/one.gz', 'h/two\ttab.gz']);
  const keys = async (prefix: string) => {
    const k: string[] = [];
    for await (const o of lake.list(prefix)) k.push(o.key);
    return k.sort();
  };
  expect(await keys('quarantine/')).toEqual([]);
  expect(await keys('quarantine-acknowledged/')).toEqual(
    records.map((r) => quarantineKeyOf(r.source, r.key).replace('quarantine/', 'quarantine-acknowledged/')).sort(),
  );
  // Acknowledged records keep their content, for the history.
  expect(
    JSON.parse(Buffer.from(await lake.readBytes((await keys('quarantine-acknowledged/'))[0]!)).toString()),
  ).toMatchObject({ kind: 'not-text' });
});
