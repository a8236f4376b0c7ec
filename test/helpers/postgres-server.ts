/**
 * Starts a throwaway PostgreSQL cluster for a test file: initdb in a temp dir, a free loopback port,
 * its unix socket inside the temp dir, fsync off, trust auth. Fails (never skips) when no
 * PostgreSQL server is installed: scripts/ensure-postgres.sh installs one.
 *
 * initdb and postgres refuse to run as root, so as root both run as the `postgres` system user
 * (created by Debian's postgresql package) through runuser, and the data dir is chowned to it.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  appendFileSync,
  chmodSync,
} from 'node:fs';
import { freePort } from '../../workers/ports';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/loadout_test */
  url: string;
  stop(): Promise<void>;
}

export const TEST_DATABASE = 'loadout_test';
const SUPERUSER = 'postgres';
const SERVICE_USER = 'postgres';

/** The directory holding initdb, pg_ctl and postgres: the newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.LOADOUT_PG_BIN) candidates.push(process.env.LOADOUT_PG_BIN);
  const lib = '/usr/lib/postgresql';
  if (existsSync(lib)) {
    const versions = readdirSync(lib)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(lib, v, 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  for (const dir of candidates) {
    // A symlink such as /usr/local/bin/pg_ctl may point at a removed server: the binaries must run.
    if (!['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)))) continue;
    try {
      execFileSync(join(dir, 'postgres'), ['--version'], { stdio: 'ignore' });
      execFileSync(join(dir, 'initdb'), ['--version'], { stdio: 'ignore' });
      return dir;
    } catch {
      // not a working server: keep looking
    }
  }
  throw new Error(
    'PostgreSQL server is not installed: no working initdb, pg_ctl and postgres in /usr/lib/postgresql/*/bin or on PATH. ' +
      'Run `sh scripts/ensure-postgres.sh` (npm test runs it through scripts/ensure-tools.mjs).',
  );
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** As root, the command runs as the postgres system user; otherwise as ourselves. */
function asServiceUser(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', SERVICE_USER, '--', bin, ...args]] : [bin, args];
}

async function run(bin: string, args: string[], cwd: string): Promise<string> {
  const [cmd, argv] = asServiceUser(bin, args);
  try {
    const { stdout, stderr } = await execFileAsync(cmd, argv, {
      cwd,
      env: { ...process.env, LC_ALL: 'C' },
      maxBuffer: 16 << 20,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${[cmd, ...argv].join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<PostgresServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const bin = postgresBinDir();
  let uid: number | undefined;
  let gid: number | undefined;
  if (isRoot()) {
    const ids = /^[^:]*:[^:]*:(\d+):(\d+):/m.exec(
      readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${SERVICE_USER}:`)) ?? '',
    );
    if (!ids) {
      throw new Error(
        `running as root, and there is no \`${SERVICE_USER}\` system user to run PostgreSQL as (initdb refuses root); ` +
          'install the postgresql package (scripts/ensure-postgres.sh) or run the tests as an ordinary user',
      );
    }
    uid = Number(ids[1]);
    gid = Number(ids[2]);
  }

  const dir = mkdtempSync(join(tmpdir(), 'loadout-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  let started = false;
  const stopSync = () => {
    if (!started) return;
    try {
      const [cmd, argv] = asServiceUser(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
      execFileSync(cmd, argv, { cwd: dir, stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A crashed test fork must not leave a postmaster behind.
  process.once('exit', stopSync);
  try {
    if (uid !== undefined && gid !== undefined) {
      chownSync(dir, uid, gid);
      chmodSync(dir, 0o700);
    }
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      dir,
    ).catch(async (error: Error) => {
      // Older initdb has no --no-instructions.
      if (!/no-instructions/.test(error.message)) throw error;
      await run(
        join(bin, 'initdb'),
        ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
        dir,
      );
    });

    // A port picked now may be taken before the server binds it: try a few.
    let url = '';
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      appendFileSync(
        join(data, 'postgresql.conf'),
        [
          '',
          '# loadout test cluster',
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          'wal_level = minimal',
          'max_wal_senders = 0',
          'max_wal_size = 4GB',
          'max_connections = 50',
          "timezone = 'UTC'",
          '',
        ].join('\n'),
      );
      try {
        await run(
          join(bin, 'pg_ctl'),
          ['start', '-D', data, '-l', log, '-w', '-t', String(Math.ceil(timeoutMs / 1000))],
          dir,
        );
        started = true;
        url = `postgres://${SUPERUSER}@127.0.0.1:${port}`;
        break;
      } catch (error) {
        const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
        if (attempt >= 3 || !/could not bind|Address already in use/i.test(text)) {
          throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${text}`);
        }
      }
    }

    const admin = new pg.Client({ connectionString: `${url}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${TEST_DATABASE}`);
    } finally {
      await admin.end();
    }
    return {
      url: `${url}/${TEST_DATABASE}`,
      async stop() {
        process.removeListener('exit', stopSync);
        try {
          await run(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w'], dir);
        } finally {
          started = false;
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    process.removeListener('exit', stopSync);
    stopSync();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
