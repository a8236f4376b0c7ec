/** loadout schedules apply: real Temporal Schedules, created once and updated idempotently. */
import { Client, ScheduleOverlapPolicy } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../../config/load-config';
import { overridesFrom } from '../../cli/config-flags';
import { applyLoadSchedule, loadScheduleId } from '../../cli/schedules';
import { registerSearchAttributes } from '../../workers/register-search-attributes';
import { connectTemporal, type TemporalTestContext } from '../helpers/temporal';

let temporal: TemporalTestContext;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  temporal = await connectTemporal();
});

afterAll(async () => {
  for (const env of [`production-${suffix}`, `playtest-${suffix}`]) {
    await temporal.client.schedule
      .getHandle(loadScheduleId(env))
      .delete()
      .catch(() => {});
  }
  await temporal?.close();
});

function configFor(env: string, loadEvery?: string) {
  return loadConfig(
    { env, ...(loadEvery ? { loadEvery } : {}), home: '/tmp/unused-home', temporalAddress: temporal.address },
    {},
    '/tmp',
  );
}

test.each([
  ['production', undefined, 6 * 3600],
  ['playtest', undefined, 24 * 3600],
])('%s loads on its interval, never two at once, with a catch-up window', async (name, every, seconds) => {
  const base = loadConfig({ env: name }, {}, '/tmp');
  const config = { ...configFor(`${name}-${suffix}`, base.loadEvery), loadEvery: every ?? base.loadEvery };
  expect(await applyLoadSchedule(temporal.client, config)).toBe('created');
  const described = await temporal.client.schedule.getHandle(loadScheduleId(config.env)).describe();
  expect(described.spec.intervals?.[0]?.every).toBe(seconds * 1000);
  expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ONE);
  expect(described.policies.catchupWindow).toBe(24 * 3600 * 1000);
  expect(described.action.type).toBe('startWorkflow');
});

test('applying again updates in place: one schedule, the new interval', async () => {
  const config = configFor(`production-${suffix}`, '15m');
  expect(await applyLoadSchedule(temporal.client, config)).toBe('updated');
  expect(await applyLoadSchedule(temporal.client, config)).toBe('updated');
  const described = await temporal.client.schedule.getHandle(loadScheduleId(config.env)).describe();
  expect(described.spec.intervals?.[0]?.every).toBe(15 * 60 * 1000);
  const ids: string[] = [];
  for await (const s of temporal.client.schedule.list())
    if (s.scheduleId === loadScheduleId(config.env)) ids.push(s.scheduleId);
  expect(ids).toHaveLength(1);
});

test('an environment without a default interval must be given one', () => {
  expect(() => loadConfig({ env: 'nightly' }, {}, '/tmp')).toThrow(/LOADOUT_LOAD_EVERY/);
  expect(loadConfig({ env: 'nightly', loadEvery: '30m' }, {}, '/tmp').loadEvery).toBe('30m');
});

test('--load-every sets any environment interval, over LOADOUT_LOAD_EVERY', () => {
  const flags = overridesFrom({ env: 'production', loadEvery: '30s' });
  expect(loadConfig(flags, { LOADOUT_LOAD_EVERY: '1h' }, '/tmp').loadEvery).toBe('30s');
  expect(loadConfig({ env: 'production' }, { LOADOUT_LOAD_EVERY: '1h' }, '/tmp').loadEvery).toBe('1h');
});

test('search attributes are registered on a fresh namespace, once; queries by them work there', async () => {
  const namespace = `loadout-sa-${suffix}`;
  const connection = temporal.client.connection;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  // A new namespace takes a moment to reach every service of the dev server.
  let first: Awaited<ReturnType<typeof registerSearchAttributes>> | undefined;
  for (let attempt = 0; first === undefined; attempt++) {
    try {
      first = await registerSearchAttributes(connection, namespace);
    } catch (error) {
      if (attempt > 40) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  expect(first.added.sort()).toEqual([
    'LoadoutEnvironment',
    'LoadoutObjects',
    'LoadoutQuarantined',
    'LoadoutStage',
    'LoadoutTables',
  ]);
  expect(await registerSearchAttributes(connection, namespace)).toEqual({
    added: [],
    present: ['LoadoutStage', 'LoadoutEnvironment', 'LoadoutObjects', 'LoadoutTables', 'LoadoutQuarantined'],
  });
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(listed.customAttributes ?? {})).toEqual(
    expect.arrayContaining(['LoadoutStage', 'LoadoutObjects']),
  );
  const client = new Client({ connection, namespace });
  const found: string[] = [];
  for await (const w of client.workflow.list({ query: "LoadoutStage = 'failed' AND LoadoutTables = 'purchase'" }))
    found.push(w.workflowId);
  expect(found).toEqual([]);
});
