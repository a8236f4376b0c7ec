/** The `loadout` command: parses flags, runs one subcommand, exits non-zero with a one-line reason. */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { registerBench, registerBenchReference } from './commands/bench';
import { registerGenerate } from './commands/generate';
import { registerRun } from './commands/run';
import { registerDemo } from './commands/demo';
import { registerWorker } from './commands/worker';
import { registerServer } from './commands/server';
import { registerLoad } from './commands/load';
import { registerQuery } from './commands/query';
import { registerSchedules } from './commands/schedules';
import { registerDev } from './commands/dev';
import { registerSchema } from './commands/schema';
import { registerStatus } from './commands/status';
import { registerMigrate } from './commands/migrate';
import { registerReplay } from './commands/replay';
import { registerErase } from './commands/erase';
import { redactSecrets } from '../workers/redact-secrets';
import { terminalSafe } from './terminal-text';
import { registerPii } from './commands/pii';
import { isVerbose, takeVerboseFlag } from './verbosity';
import { registerDashboard } from './commands/dashboard';
import { registerRejects } from './commands/rejects';
import { registerDoctor } from './commands/doctor';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const program = new Command('loadout')
  .description('Game telemetry from raw JSON to typed warehouse tables, every batch a durable Temporal workflow.')
  .version(version, '-V, --version', 'print the version and exit')
  .option('--verbose', "the worker's warnings and a failure's stack trace (anywhere on the command line)")
  .showHelpAfterError()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerGenerate(program);
registerBench(program);
registerBenchReference(program);
registerRun(program);
registerDemo(program);
registerWorker(program);
registerServer(program);
registerLoad(program);
registerQuery(program);
registerSchedules(program);
registerDev(program);
registerSchema(program);
registerStatus(program);
registerMigrate(program);
registerReplay(program);
registerPii(program);
registerErase(program);
registerDashboard(program);
registerRejects(program);
registerDoctor(program);

try {
  await program.parseAsync(takeVerboseFlag(process.argv));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  // Messages can quote data (keys, names): no control character from them reaches the terminal.
  process.stderr.write(`loadout: ${terminalSafe(redactSecrets(message.split('\n')[0]!))}\n`);
  if (isVerbose())
    console.error(terminalSafe(redactSecrets(error instanceof Error ? (error.stack ?? message) : message)));
  process.exitCode = 1;
}
