/** Top reject reasons from the lake's rejects/ files: grouped by what is wrong, without the rejected values. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { reasonGroup, RejectReasonReader } from '../../dashboard/reject-reasons';
import { openObjectStore } from '../../stores/object/open-object-store';

const dir = mkdtempSync(join(tmpdir(), 'loadout-reject-reasons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (reason: string) => JSON.stringify({ source: 's', line: 1, index: 0, reason, record: 'secret-text' });

test('a reason without the value it quotes, the line it names or the JSON text it could not parse', () => {
  expect(reasonGroup('purchase.amount: Invalid input: expected number, received string (got "lots")')).toBe(
    'purchase.amount: Invalid input: expected number, received string',
  );
  expect(reasonGroup('session_begin.player_id: Too small (missing)')).toBe(
    'session_begin.player_id: Too small (missing)',
  );
  expect(reasonGroup('line 12: not UTF-8')).toBe('not UTF-8');
  expect(reasonGroup('invalid JSON: Unexpected token \'p\', "player-42" is not valid JSON')).toBe('invalid JSON');
  expect(reasonGroup('`event` is not a string but {"x":"player-42"}')).toBe('`event` is not a string');
});

test('counts over every batch file, top first; a file replaced is read again, one gone is dropped', async () => {
  const lake = openObjectStore(join(dir, 'lake'));
  const reader = new RejectReasonReader(lake);
  expect(await reader.summary()).toEqual({ records: 0, reasons: [] });
  await lake.write(
    'rejects/a.jsonl',
    [line('x.y: bad (got 1)'), line('x.y: bad (got 2)'), line('z: worse')].join('\n'),
  );
  await lake.write('rejects/b.jsonl', `${line('z: worse')}\n${line('x.y: bad (got 3)')}\nnot json\n`);
  await lake.write('replay/rejects/c.jsonl', line('replayed'));
  expect(await reader.summary()).toEqual({
    records: 6,
    reasons: [
      { reason: 'x.y: bad', records: 3 },
      { reason: 'z: worse', records: 2 },
      { reason: 'unreadable reject line', records: 1 },
    ],
  });
  expect((await reader.summary(1)).reasons).toEqual([{ reason: 'x.y: bad', records: 3 }]);
  await lake.delete('rejects/b.jsonl');
  await lake.write('rejects/a.jsonl', line('z: worse'));
  expect(await reader.summary()).toEqual({ records: 1, reasons: [{ reason: 'z: worse', records: 1 }] });
  expect(JSON.stringify(await reader.summary())).not.toContain('secret-text');
});
