/** Runs the `loadout` command as a user does: a child process with its own environment, never throwing on failure. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const LOADOUT_BIN = fileURLToPath(new URL('../../bin/loadout.js', import.meta.url));

export interface LoadoutOutcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Variables of the parent's that would leak another configuration into the child. */
const INHERITED = /^(TEMPORAL_|LOADOUT_|AWS_)/;

/** `env` is the whole of Loadout's and Temporal's configuration: the parent's TEMPORAL_*, LOADOUT_* and AWS_* stay out. */
export function runLoadout(args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<LoadoutOutcome> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED.test(k)));
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LOADOUT_BIN, ...args],
      { env: { ...base, ...env }, maxBuffer: 64 << 20, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}
