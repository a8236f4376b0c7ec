/**
 * A small raw zone of three players for erasure tests (the erased one, two kept), and the steps
 * the tests run on it through real workflows: ingest, load, erase, replay. Records of every kind
 * name the players: valid rows of the three tables with player_id, a session_end without it,
 * a rejected record, an unknown event, a malformed line.
 */
import { gzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import { ingestLocation } from '../../cli/ingest';
import type { ObjectStore } from '../../stores/object/object-store';
import type { ErasureInput, ErasureResult } from '../../workflows/erasure-types';
import type { LoadResult } from '../../workflows/load-types';
import { erasureWorkflowId } from '../../workflows/workflow-ids';
import { pseudonym } from './personal-keys';
import { uuidFrom, writeObject } from './raw-files';

export const ERASED = 'erasure-player-e';
export const KEPT = ['erasure-player-k1', 'erasure-player-k2'];
export const PLAYERS = [ERASED, ...KEPT];
export const WINDOW = { from: '2026-11-22T10:00:00Z', to: '2026-11-22T11:00:00Z' };

/** One player's records of one object: 3 rows with player_id, 1 without, 1 reject, 1 unknown, 1 malformed. */
export function playerLines(player: string, tag: string, minute: number): string[] {
  const date = `2026-11-22T10:${String(minute).padStart(2, '0')}:00Z`;
  const id = (what: string) => uuidFrom(`${tag}/${player}/${what}`);
  const psess = id('psess');
  return [
    {
      event: 'session_begin',
      id: id('b'),
      date,
      psess,
      player_id: player,
      platform: 'pc',
      app_version: '1.0',
      ip: '203.0.113.9',
      device_id: `dev-${player}`,
    },
    { event: 'purchase', id: id('p'), date, psess, player_id: player, sku: 'gem', amount: 2, currency: 'EUR' },
    { event: 'score_adjustment', id: id('s'), date, psess, player_id: player, delta: 5, reason: 'bonus' },
    { event: 'session_end', id: id('e'), date, psess, duration_s: 60, reason: 'quit' },
    { event: 'purchase', id: id('bad'), date, psess, player_id: player, sku: 'gem', amount: -1, currency: 'EUR' },
    { event: 'mystery_box', id: id('m'), date, player_id: player },
  ]
    .map((r) => JSON.stringify(r))
    .concat(`{"event":"score_adjustment","player_id":"${player}","delta":`);
}

/** A gzipped raw object of the players' records, under hour 10's partition. */
export function writeRawObject(raw: ObjectStore, name: string, players: readonly string[], minute = 5): string {
  const key = `2026/11/22/10/${name}.gz`;
  const lines = players.flatMap((p) => playerLines(p, name, minute));
  writeObject(raw.location, key, gzipSync(`${lines.join('\n')}\n`));
  return key;
}

export interface ScenarioSteps {
  ingest(): Promise<{ erased: number; batches: number }>;
  load(id: string): Promise<LoadResult>;
  erase(id: string, extra?: Partial<ErasureInput>): Promise<ErasureResult>;
}

export function scenarioSteps(client: Client, taskQueue: string, raw: ObjectStore): ScenarioSteps {
  return {
    async ingest() {
      const outcome = await ingestLocation({
        client,
        taskQueue,
        source: raw,
        limits: { maxObjects: 1, maxBytes: 1 << 30 },
        environment: taskQueue,
      });
      if (outcome.failures.length > 0) throw new Error(JSON.stringify(outcome.failures));
      return { erased: outcome.batches.reduce((n, b) => n + (b.erased ?? 0), 0), batches: outcome.batches.length };
    },
    load: (id) =>
      client.workflow.execute('load', {
        workflowId: `${taskQueue}-load-${id}`,
        taskQueue,
        args: [{ environment: taskQueue }],
      }) as Promise<LoadResult>,
    erase: (id, extra = {}) =>
      client.workflow.execute('erasure', {
        workflowId: `${erasureWorkflowId(taskQueue, pseudonym(ERASED))}-${id}`,
        taskQueue,
        args: [{ environment: taskQueue, pseudonym: pseudonym(ERASED), lostWorkerTimeout: '30s', ...extra }],
      }) as Promise<ErasureResult>,
  };
}

/** Every object of a store whose bytes hold `text` (Parquet pages are compressed: clear text files only). */
export async function objectsHolding(store: ObjectStore, text: string, except = /^$/): Promise<string[]> {
  const found: string[] = [];
  for await (const o of store.list('')) {
    if (except.test(o.key)) continue;
    if (Buffer.from(await store.readBytes(o.key)).includes(text)) found.push(o.key);
  }
  return found;
}

/** A workflow's history as JSON with payloads decoded, so a search sees their text. */
export async function historyText(client: Client, workflowId: string): Promise<string> {
  return JSON.stringify(await client.workflow.getHandle(workflowId).fetchHistory(), (key, v: unknown) =>
    v instanceof Uint8Array
      ? Buffer.from(v).toString('utf8')
      : key === 'data' && typeof v === 'string'
        ? Buffer.from(v, 'base64').toString('utf8')
        : v,
  );
}
