/** A subcommand's action imported when it runs, so declaring every command (and `--help`) loads no heavy module. */

type Action = (...args: never[]) => unknown;

/** The action `name` of the module `load` imports, as commander's `.action()` takes it. */
export function lazyAction<K extends string>(
  load: () => Promise<Record<K, Action>>,
  name: K,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    // Commander passes the arguments, the options and the command, as the action declares them.
    await (await load())[name](...(args as never[]));
  };
}
