/**
 * BatchProcessor explains refused records in batches (zod runs warm): the rejects file keeps the
 * order of the records across batch boundaries and kinds of rejection, and zod stays the rule.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BatchProcessor } from '../../core/batch-processor';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { INVALID, number } from '../../schemas/fields';
import { catalogWith, withFields } from '../helpers/schema-changes';
import { TEST_PERSONAL_KEYS } from '../helpers/personal-keys';

const uuid = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8abc-def012345678`;
const sessionEnd = (n: number, extra: object = {}) =>
  JSON.stringify({
    event: 'session_end',
    id: uuid(n),
    date: '2026-11-22T10:00:00Z',
    psess: uuid(1),
    duration_s: 5,
    reason: 'quit',
    ...extra,
  });

let catalog: Catalog;
let root: string;
beforeAll(async () => {
  catalog = await loadCatalog();
  root = mkdtempSync(join(tmpdir(), 'loadout-queued-rejections-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function process(lines: string[], withCatalog = catalog) {
  const processor = new BatchProcessor({
    catalog: withCatalog,
    workDir: join(root, String(Math.random()).slice(2)),
    personal: TEST_PERSONAL_KEYS,
  });
  // Two objects: the queue is written out at the end of each, so the second's rejects follow the first's.
  const half = lines.length >> 1;
  await processor.processObject('raw/a.json', Readable.from([Buffer.from(lines.slice(0, half).join('\n'))]));
  await processor.processObject('raw/b.json', Readable.from([Buffer.from(lines.slice(half).join('\n'))]));
  const out = await processor.finish();
  const rejects = out.rejectsPath
    ? readFileSync(out.rejectsPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source: string; line: number; field?: string; reason: string })
    : [];
  return { out, rejects };
}

describe('queued rejections', () => {
  test('over a thousand rejections of three kinds, in batches, keep the order of their lines', async () => {
    const lines: string[] = [];
    const expected: [string, number, string | null][] = [];
    for (let i = 0; i < 1500; i++) {
      const source = i < 750 ? 'raw/a.json' : 'raw/b.json';
      const line = (i % 750) + 1;
      if (i % 3 === 0) {
        lines.push(sessionEnd(i, { duration_s: -1 })); // refused by the fast checks, explained by zod
        expected.push([source, line, 'duration_s']);
      } else if (i % 3 === 1) {
        lines.push('{"event":"session_end",'); // malformed: its reason is known at once
        expected.push([source, line, null]);
      } else {
        lines.push(sessionEnd(i));
      }
    }
    const { out, rejects } = await process(lines);
    expect(rejects.map((r) => [r.source, r.line, r.field ?? null])).toEqual(expected);
    expect(rejects[0]!.reason).toMatch(/^session_end\.duration_s: .*>=\s*0/);
    expect(out.stats.rejected).toBe(1000);
    expect(out.stats.rejectedByReason).toEqual({
      'session_end.duration_s: too_small': 500,
      'record: truncated JSON': 500,
    });
    expect(out.stats.events).toEqual({ session_end: 500 });
  });

  test('where zod finds a refused record valid, zod is the rule: the record is staged, not rejected', async () => {
    // A field whose fast check refuses everything while its zod rule accepts any number >= 0.
    const broken = { ...number({ min: 0 }), fast: () => INVALID };
    const changed = catalogWith(catalog, withFields(catalog.eventType('session_end')!, { duration_s: broken }));
    const lines = Array.from({ length: 300 }, (_, i) => sessionEnd(i % 200));
    const { out, rejects } = await process(lines, changed);
    expect(rejects).toEqual([]);
    expect(out.stats.rejected).toBe(0);
    expect(out.stats.valid).toBe(300);
    expect(out.stats.duplicates).toBe(100);
    expect(out.stats.events).toEqual({ session_end: 200 });
  });
});
