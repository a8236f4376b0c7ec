/**
 * `--verbose`, accepted anywhere on the command line: the worker's warnings and each failure's
 * stack trace. Without it a command prints its own lines and summary, and a failure in one line.
 */
const FLAG = '--verbose';

/** The arguments without the flag, remembering that it was given (LOADOUT_VERBOSE=1 too; LOADOUT_DEBUG, its older name). */
export function takeVerboseFlag(argv: readonly string[]): string[] {
  if (argv.includes(FLAG)) process.env.LOADOUT_VERBOSE = '1';
  return argv.filter((a) => a !== FLAG);
}

export function isVerbose(): boolean {
  return process.env.LOADOUT_VERBOSE === '1' || Boolean(process.env.LOADOUT_DEBUG);
}
