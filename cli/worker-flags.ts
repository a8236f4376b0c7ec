/** The flags of the commands that run a long-lived worker (`loadout worker`, `loadout dev`). */
import type { Command } from 'commander';
import type { ConfigOverrides } from '../config/load-config';
import { overridesFrom } from './config-flags';

export function withWorkerFlags(command: Command): Command {
  return command
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://0.0.0.0:PORT/metrics (LOADOUT_METRICS_PORT)')
    .option(
      '--log-format <json|text>',
      'log lines on stderr: one JSON object per line, or text (LOADOUT_LOG_FORMAT; default: text on a terminal, else JSON)',
    )
    .option(
      '--workflow-bundle <path>',
      'a prebuilt workflow bundle (npm run build:workflows) instead of bundling at start (LOADOUT_WORKFLOW_BUNDLE)',
    );
}

export function workerOverridesFrom(options: Record<string, unknown>): ConfigOverrides {
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    ...overridesFrom(options),
    metricsPort: s(options.metricsPort),
    logFormat: s(options.logFormat),
    workflowBundle: s(options.workflowBundle),
  };
}
