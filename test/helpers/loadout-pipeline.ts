/**
 * A pipeline of its own for a CLI test: the environment of `loadout run` on a home, raw zone and
 * warehouse (the suite's dev server, a task queue of its own), a run that must succeed, and queries.
 */
import { inject, expect } from 'vitest';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { runLoadout } from './loadout-cli';
import { uniqueTaskQueue } from './temporal';

export interface Pipeline {
  env: Record<string, string>;
  /** `loadout run --json ...extra`, expected to succeed without an error line; its summary. */
  run(...extra: string[]): Promise<{ unknown: Record<string, number> } & Record<string, unknown>>;
  /** Any other command, expected to succeed; its parsed --json output. */
  json<T>(...args: string[]): Promise<T>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

export function pipeline(name: string, dirs: { home: string; raw: string; warehouse: string }): Pipeline {
  const env: Record<string, string> = {
    LOADOUT_HOME: dirs.home,
    LOADOUT_RAW: dirs.raw,
    LOADOUT_WAREHOUSE: dirs.warehouse,
    LOADOUT_ENV: `${name}-${Math.random().toString(36).slice(2, 8)}`,
    LOADOUT_LOAD_EVERY: '1h',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    LOADOUT_TASK_QUEUE: uniqueTaskQueue(name),
  };
  const json = async <T>(...args: string[]): Promise<T> => {
    const outcome = await runLoadout([...args, '--json'], env);
    expect(outcome.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(outcome.code, outcome.stderr).toBe(0);
    return JSON.parse(outcome.stdout) as T;
  };
  return {
    env,
    run: (...extra) => json('run', ...extra),
    json,
    rows: async (sql) => {
      const w = await openWarehouse(dirs.warehouse);
      try {
        return await w.query(sql);
      } finally {
        await w.close();
      }
    },
  };
}
