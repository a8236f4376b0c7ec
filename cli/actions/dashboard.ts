/** What `loadout dashboard` does (its flags and help: cli/commands/dashboard.ts), loaded only when it runs. */
import type { LoadoutConfig } from '../../config/config-schema';
import { DEFAULT_DASHBOARD_PORT, loadConfig, type ConfigOverrides } from '../../config/load-config';
import type { DashboardServer } from '../../dashboard/dashboard-server';
import { openObjectStore } from '../../stores/object/open-object-store';
import { overridesFrom } from '../config-flags';
import { openRuntime, type LoadoutRuntime } from '../runtime';
import { temporalUiBase } from '../temporal-ui';

function refreshSeconds(value: unknown): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
    throw new Error(`--refresh ${String(value)} is not a whole number of seconds from 1 to 3600`);
  return seconds;
}

/**
 * The dashboard `loadout dev` serves beside its worker. On the default port, taken by another
 * `loadout dev` (another home), it moves to a free port rather than stopping the pipeline.
 */
export async function serveDevDashboard(runtime: LoadoutRuntime, config: LoadoutConfig): Promise<DashboardServer> {
  const { DashboardPortInUseError, startDashboard } = await dashboardServer();
  const sources = {
    config,
    catalog: runtime.catalog,
    client: runtime.client,
    lake: openObjectStore(config.lake),
    temporalUi: temporalUiBase(undefined, runtime.uiUrl),
  };
  return startDashboard(sources, { port: config.dashboard.port }).catch((error: unknown) => {
    if (!(error instanceof DashboardPortInUseError) || config.dashboard.port !== DEFAULT_DASHBOARD_PORT) throw error;
    return startDashboard(sources, { port: 0 });
  });
}

/** Loaded when a dashboard is served: other commands (the worker's image) never need dashboard/. */
function dashboardServer() {
  return import('../../dashboard/dashboard-server');
}

export function dashboardOverridesFrom(options: Record<string, unknown>): ConfigOverrides {
  return { dashboardPort: typeof options.dashboardPort === 'string' ? options.dashboardPort : undefined };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export async function dashboardCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig({
    ...overridesFrom(options),
    ...dashboardOverridesFrom({ dashboardPort: options.port }),
  });
  const since = typeof options.since === 'string' ? options.since : undefined;
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new Error(`--since ${since} is not a date`);
  const refresh = refreshSeconds(options.refresh);
  const runtime = await openRuntime(config);
  try {
    const { startDashboard } = await dashboardServer();
    const dashboard = await startDashboard(
      {
        config,
        catalog: runtime.catalog,
        client: runtime.client,
        lake: openObjectStore(config.lake),
        temporalUi: temporalUiBase(options.temporalUi, runtime.uiUrl),
      },
      {
        port: config.dashboard.port,
        host: String(options.host),
        refreshSeconds: refresh,
        since,
      },
    );
    // The address first, alone on its line: scripts (and the browser test) read it.
    process.stdout.write(`${dashboard.url}\n`);
    process.stderr.write('dashboard running; Ctrl-C stops it\n');
    await untilInterrupted();
    await dashboard.close();
  } finally {
    await runtime.close();
  }
}
