/** The throwaway PostgreSQL cluster of test/helpers/postgres-server.ts: starts, answers, stops. */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../../helpers/postgres-server';

describe('startPostgres', () => {
  it('starts a cluster that answers SELECT 1 and removes it on stop', async () => {
    const server = await startPostgres();
    let stopped = false;
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/loadout_test$/);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ one: number; fsync: string; db: string }>(
          "SELECT 1 AS one, current_setting('fsync') AS fsync, current_database() AS db",
        );
        expect(rows).toEqual([{ one: 1, fsync: 'off', db: 'loadout_test' }]);
        const dataDir = await client.query<{ d: string }>("SELECT current_setting('data_directory') AS d");
        const dir = dataDir.rows[0]!.d;
        expect(existsSync(dir)).toBe(true);
        await client.end();
        await server.stop();
        stopped = true;
        expect(existsSync(dir)).toBe(false);
      } finally {
        await client.end().catch(() => {});
      }
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('runs two clusters side by side', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
