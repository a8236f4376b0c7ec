/** The log line formats and the identifiers an activity's input puts on its lines. */
import { expect, test } from 'vitest';
import { batchIdOf } from '../../core/batch-id';
import { identifiersOf } from '../../observability/activity-log-attributes';
import { createLogger, defaultLogFormat } from '../../observability/logging';

function capture(format: 'json' | 'text') {
  const lines: string[] = [];
  return { lines, log: createLogger(format, 'INFO', (line) => lines.push(line)) };
}

test('json: one object per line with time, level, message and the metadata; errors readable; no task token', () => {
  const { lines, log } = capture('json');
  log.info('file batch staged', {
    workflowId: 'loadout-filebatch-x',
    objectKeys: ['a.gz', 'b.gz'],
    taskToken: 'c2VjcmV0',
    bytes: 12n,
  });
  log.warn('activity failed', { error: new Error('corrupt gzip', { cause: new Error('unexpected end of file') }) });
  log.debug('not at INFO');
  expect(lines).toHaveLength(2);
  expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(first).toEqual({
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    level: 'INFO',
    message: 'file batch staged',
    workflowId: 'loadout-filebatch-x',
    objectKeys: ['a.gz', 'b.gz'],
    bytes: 12,
  });
  expect(second).toMatchObject({
    level: 'WARN',
    error: { name: 'Error', message: 'corrupt gzip', cause: { message: 'unexpected end of file' } },
  });
});

test('json: metadata never replaces time, level or message', () => {
  const { lines, log } = capture('json');
  log.info('real message', { message: 'spoofed', level: 'ERROR' });
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'INFO', message: 'real message' });
});

test('text: a readable line with the fields after the message', () => {
  const { lines, log } = capture('text');
  log.info('manifest merged', { table: 'purchase', mergedRows: 40 });
  expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ INFO  manifest merged {2}table=purchase mergedRows=40\n$/);
});

test('default format: text on a terminal, JSON otherwise', () => {
  expect(defaultLogFormat({ isTTY: true })).toBe('text');
  expect(defaultLogFormat({ isTTY: false })).toBe('json');
  expect(defaultLogFormat({})).toBe('json');
});

test("an activity's identifiers: batch id and at most 20 object keys; table and manifest key", () => {
  const objects = Array.from({ length: 25 }, (_, i) => ({
    key: `2026/11/22/10/o-${i}.gz`,
    size: i + 1,
    etag: `e${i}`,
  }));
  const batch = identifiersOf({ source: 's3://raw/zone', objects, environment: 'production' });
  expect(batch).toEqual({
    batchId: batchIdOf('s3://raw/zone', objects),
    source: 's3://raw/zone',
    objectKeys: objects.slice(0, 20).map((o) => o.key),
    objectCount: 25,
  });
  expect(identifiersOf({ table: 'purchase', manifestKey: 'manifests/purchase/abc.json' })).toEqual({
    table: 'purchase',
    manifestKey: 'manifests/purchase/abc.json',
  });
  expect(identifiersOf(undefined)).toEqual({});
});
