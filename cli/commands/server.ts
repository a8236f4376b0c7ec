/** `loadout server start|stop`: the embedded Temporal dev server under LOADOUT_HOME. */
import type { Command } from 'commander';
import { withConfigFlags } from '../config-flags';
import { lazyAction } from '../lazy-action';

export function registerServer(program: Command): void {
  const server = program
    .command('server')
    .description('the embedded Temporal dev server (used when TEMPORAL_ADDRESS is unset)');
  withConfigFlags(server.command('start').description('start it, or report the running one')).action(
    lazyAction(() => import('../actions/server'), 'startCommand'),
  );
  withConfigFlags(server.command('stop').description('stop it')).action(
    lazyAction(() => import('../actions/server'), 'stopCommand'),
  );
}
