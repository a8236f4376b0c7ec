import { expect, test } from 'vitest';
import { createLogger } from '../../observability/logging';
import { redactSecrets } from '../../workers/redact-secrets';

test.each([
  ['postgres://loadout:s3cret@db:5432/warehouse', 'postgres://loadout:***@db:5432/warehouse'],
  ['postgresql://u:p%40ss@h/db?sslmode=require', 'postgresql://u:***@h/db?sslmode=require'],
  ['a raw @ in it: postgres://u:p@ss@h:5432/db', 'a raw @ in it: postgres://u:***@h:5432/db'],
  [
    'cannot connect to postgres://u:pw@h/db: refused; retry postgres://v:x@k/db',
    'cannot connect to postgres://u:***@h/db: refused; retry postgres://v:***@k/db',
  ],
  ['{"warehouse":"postgres://u:pw@h/db"}', '{"warehouse":"postgres://u:***@h/db"}'],
  ['postgres://h/db?user=u&password=pw&sslmode=require', 'postgres://h/db?user=u&password=***&sslmode=require'],
  ['authorization: Bearer abc.def-123', 'authorization: Bearer ***'],
])('%s', (text, masked) => {
  expect(redactSecrets(text)).toBe(masked);
});

test.each([
  'postgres://loadout@db:5432/warehouse',
  'duckdb:/tmp/home/warehouse.duckdb',
  'redshift://cluster/db?dbUser=u&iamRole=arn:aws:iam::1:role/x',
  's3://bucket/raw/2026/12/04/events-1.json.gz',
  'http://127.0.0.1:9464/metrics',
])('nothing to mask in %s', (text) => {
  expect(redactSecrets(text)).toBe(text);
});

test('log lines, JSON and text, carry no URL password, whether in the message, a field or an error', () => {
  for (const format of ['json', 'text'] as const) {
    const lines: string[] = [];
    const log = createLogger(format, 'INFO', (line) => lines.push(line));
    log.warn('merge failed on postgres://loadout:hunter2@db:5432/warehouse', {
      warehouse: 'postgres://loadout:hunter2@db:5432/warehouse',
      error: new Error('could not connect to postgresql://loadout:hunter2@db/warehouse'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).toContain('postgres://loadout:***@db:5432/warehouse');
  }
});
