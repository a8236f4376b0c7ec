/** searchAttributeKeys: long keys shortened recognisably, lists bounded, and the real dev server agrees. */
import { TypedSearchAttributes } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOADOUT_OBJECTS, MAX_OBJECTS_IN_SEARCH_ATTRIBUTE } from '../../workflows/search-attributes';
import {
  MAX_KEY_BYTES,
  MAX_KEY_LIST_BYTES,
  searchAttributeKey,
  searchAttributeKeys,
  searchAttributeTables,
  utf8Length,
} from '../../workflows/search-attribute-values';
import { syntheticTag } from '../../generator/synthetic/synthetic-types';
import { connectTemporal, uniqueTaskQueue, type TemporalTestContext } from '../helpers/temporal';
import * as workflows from '../../workflows';

/** A key of about `bytes` bytes: deep folders, as a local raw zone can have them. */
function longKey(bytes: number, tag: string): string {
  const segments: string[] = [];
  while (segments.join('/').length < bytes - 40) segments.push(`folder-${segments.length}-${'x'.repeat(180)}`);
  return `raw/${tag}/${segments.join('/')}/events-${tag}.json.gz`;
}

/** What Firehose writes: about 110 bytes, so 20 of them pass 2 KB together. */
const firehoseKey = (i: number) =>
  `raw/2026/12/04/10/loadout-telemetry-stream-1-2026-12-04-10-15-${String(i).padStart(2, '0')}-4f0a8c2e-1b7d-4e55-9c3a-0d2e6f1a7b9c.gz`;

const encoded = (list: string[]) => Buffer.byteLength(JSON.stringify(list));

describe('searchAttributeTables', () => {
  test('300 table names (a batch of 300 event types): the first ones, within the 2 KB value; a few stay whole', () => {
    const tables = Array.from({ length: 300 }, (_, i) => syntheticTag(i));
    const value = searchAttributeTables(tables);
    expect(encoded(tables)).toBeGreaterThan(2048);
    expect(encoded(value)).toBeLessThanOrEqual(MAX_KEY_LIST_BYTES);
    expect(value).toEqual(tables.slice(0, value.length));
    expect(value.length).toBeGreaterThan(MAX_OBJECTS_IN_SEARCH_ATTRIBUTE);
    expect(searchAttributeTables(['purchase', 'session_begin'])).toEqual(['purchase', 'session_begin']);
  });
});

describe('searchAttributeKey', () => {
  test('a short key stays itself', () => {
    expect(searchAttributeKey('raw/2026/12/04/stream-1-2026-12-04-10-15-30-abcdef.gz')).toBe(
      'raw/2026/12/04/stream-1-2026-12-04-10-15-30-abcdef.gz',
    );
    const exact = 'k'.repeat(MAX_KEY_BYTES);
    expect(searchAttributeKey(exact)).toBe(exact);
  });

  test('a 3 KB key keeps its start and end, fits, and differs from a neighbour that differs only in the middle', () => {
    const key = longKey(3 * 1024, 'a');
    const neighbour = key.slice(0, 1500) + 'Y' + key.slice(1501);
    const value = searchAttributeKey(key);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(value.startsWith(key.slice(0, 100))).toBe(true);
    expect(value).toContain(`…${key.slice(-60)}#`);
    expect(value).toMatch(/#[0-9a-f]{8}$/);
    expect(searchAttributeKey(neighbour)).not.toBe(value);
    expect(searchAttributeKey(key)).toBe(value); // deterministic
  });

  test.each([
    ['multi-byte characters', 'é'.repeat(400)],
    ['emoji (surrogate pairs)', '🎮'.repeat(300)],
    ['characters JSON escapes', '\u0001"\\'.repeat(200)],
  ])('%s: the encoded value fits and no surrogate pair is split', (_, key) => {
    const value = searchAttributeKey(key);
    expect(utf8Length(JSON.stringify(value)) - 2).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(Buffer.byteLength(JSON.stringify(value))).toBe(utf8Length(JSON.stringify(value)));
    expect(value).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/); // no lone surrogate
  });
});

describe('searchAttributeKeys', () => {
  test('short keys: the first MAX_OBJECTS_IN_SEARCH_ATTRIBUTE, whole and in order', () => {
    const keys = Array.from({ length: 30 }, (_, i) => `raw/k${i}.json`);
    expect(searchAttributeKeys(keys)).toEqual(keys.slice(0, MAX_OBJECTS_IN_SEARCH_ATTRIBUTE));
    expect(searchAttributeKeys([])).toEqual([]);
  });

  test('20 Firehose-length keys (over 2 KB together) are cut to the budget, never past it', () => {
    const keys = Array.from({ length: 20 }, (_, i) => firehoseKey(i));
    expect(encoded(keys)).toBeGreaterThan(2048);
    const list = searchAttributeKeys(keys);
    expect(encoded(list)).toBeLessThanOrEqual(MAX_KEY_LIST_BYTES);
    expect(list).toEqual(keys.slice(0, list.length));
    expect(list.length).toBeGreaterThan(10);
  });

  test('20 keys of 3 KB each: all shortened, the list within budget', () => {
    const keys = Array.from({ length: 20 }, (_, i) => longKey(3 * 1024, `k${i}`));
    const list = searchAttributeKeys(keys);
    expect(encoded(list)).toBeLessThanOrEqual(MAX_KEY_LIST_BYTES);
    expect(list.length).toBeGreaterThan(0);
    list.forEach((value, i) => expect(value).toBe(searchAttributeKey(keys[i]!)));
  });
});

describe('on the real dev server', () => {
  let temporal: TemporalTestContext;
  beforeAll(async () => {
    temporal = await connectTemporal();
  });
  afterAll(async () => {
    await temporal?.close();
  });

  /** Starts a workflow nobody runs with these LoadoutObjects; the server checks sizes at start. */
  async function startWith(objects: string[]): Promise<void> {
    const handle = await temporal.client.workflow.start(workflows.fileBatch, {
      workflowId: `sa-size-${randomUUID()}`,
      taskQueue: uniqueTaskQueue('sa-size'),
      // Never run: the server checks search attributes at the start, before any input is read.
      args: [{ source: 'unused', objects: [] }],
      typedSearchAttributes: new TypedSearchAttributes([{ key: LOADOUT_OBJECTS, value: objects }]),
    });
    await handle.terminate('only the start was under test');
  }

  test('a raw 3 KB key is refused for its size: the limit this module works around is real', async () => {
    const error = await startWith([longKey(3 * 1024, 'raw')]).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(`${error?.message}: ${(error?.cause as Error | undefined)?.message}`).toMatch(/exceeds size limit/i);
  });

  test('so are twenty ordinary Firehose keys as a whole list: the list needs a budget, not just each key', async () => {
    const error = await startWith(Array.from({ length: 20 }, (_, i) => firehoseKey(i))).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(`${error?.message}: ${(error?.cause as Error | undefined)?.message}`).toMatch(/exceeds size limit/i);
  });

  test('the values of twenty 3 KB keys, and of twenty Firehose-length keys, are accepted', async () => {
    await startWith(searchAttributeKeys(Array.from({ length: 20 }, (_, i) => longKey(3 * 1024, `ok${i}`))));
    await startWith(searchAttributeKeys(Array.from({ length: 20 }, (_, i) => firehoseKey(i))));
  });
});
