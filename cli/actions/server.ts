/** What `loadout server` does (its flags and help: cli/commands/server.ts), loaded only when it runs. */
import { loadConfig } from '../../config/load-config';
import { ensureDevServer, stopDevServer } from '../../workers/dev-server';
import { overridesFrom } from '../config-flags';

export async function startCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const s = await ensureDevServer(config.home, config.temporal.namespace);
  process.stdout.write(`${s.started ? 'started' : 'already running'}: ${s.address}, UI ${s.uiUrl} (pid ${s.pid})\n`);
}

export async function stopCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  process.stdout.write((await stopDevServer(config.home)) ? 'stopped\n' : 'not running\n');
}
