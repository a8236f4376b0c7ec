/** `loadout server start|stop`: the embedded Temporal dev server under LOADOUT_HOME. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { ensureDevServer, stopDevServer } from '../../workers/dev-server';
import { withConfigFlags, overridesFrom } from '../config-flags';

export function registerServer(program: Command): void {
  const server = program
    .command('server')
    .description('the embedded Temporal dev server (used when TEMPORAL_ADDRESS is unset)');
  withConfigFlags(server.command('start').description('start it, or report the running one')).action(
    async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const s = await ensureDevServer(config.home, config.temporal.namespace);
      process.stdout.write(
        `${s.started ? 'started' : 'already running'}: ${s.address}, UI ${s.uiUrl} (pid ${s.pid})\n`,
      );
    },
  );
  withConfigFlags(server.command('stop').description('stop it')).action(async (options: Record<string, unknown>) => {
    const config = loadConfig(overridesFrom(options));
    process.stdout.write((await stopDevServer(config.home)) ? 'stopped\n' : 'not running\n');
  });
}
