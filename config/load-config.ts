/**
 * Loads the configuration: defaults, then loadout.config.json in the working directory, then
 * environment variables, then command-line flags; later sources win. Errors name the setting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SHIPPED_EVENTS_DIR } from '../schemas/catalog';
import { configSchema, ENVIRONMENTS, type LoadoutConfig } from './config-schema';
import { unknownSetting } from './known-settings';

export type ConfigOverrides = Partial<{
  env: string;
  home: string;
  raw: string;
  lake: string;
  warehouse: string;
  loadEvery: string;
  temporalAddress: string;
  namespace: string;
  temporalProfile: string;
  temporalConfigFile: string;
  taskQueue: string;
  sqsQueueUrl: string;
  schemas: string;
  metricsPort: string;
  logFormat: string;
  workflowBundle: string;
  dashboardPort: string;
  evolution: string;
}>;

type Json = Record<string, unknown>;

/** The dashboard's port when none is set: beside the embedded Temporal UI's 8233. */
export const DEFAULT_DASHBOARD_PORT = 8234;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Which source set a setting, so an error can say where to fix it. */
const ENV_NAMES: Record<string, string> = {
  env: 'LOADOUT_ENV',
  home: 'LOADOUT_HOME',
  raw: 'LOADOUT_RAW',
  lake: 'LOADOUT_LAKE',
  warehouse: 'LOADOUT_WAREHOUSE',
  loadEvery: 'LOADOUT_LOAD_EVERY',
  'temporal.address': 'TEMPORAL_ADDRESS',
  'temporal.namespace': 'TEMPORAL_NAMESPACE',
  'temporal.profile': 'TEMPORAL_PROFILE',
  'temporal.configFile': 'TEMPORAL_CONFIG_FILE',
  'temporal.taskQueue': 'LOADOUT_TASK_QUEUE',
  'discovery.sqsQueueUrl': 'LOADOUT_SQS_QUEUE_URL',
  schemas: 'LOADOUT_SCHEMAS',
  'worker.metricsPort': 'LOADOUT_METRICS_PORT',
  logFormat: 'LOADOUT_LOG_FORMAT',
  'worker.workflowBundle': 'LOADOUT_WORKFLOW_BUNDLE',
  'worker.maxConcurrentActivities': 'LOADOUT_WORKER_CONCURRENCY',
  'worker.batchThreads': 'LOADOUT_BATCH_THREADS',
  'dashboard.port': 'LOADOUT_DASHBOARD_PORT',
  evolution: 'LOADOUT_EVOLUTION',
};

/**
 * Activity slots of a worker: a load's groups (mostly waiting on the warehouse) must not queue behind
 * file batches, which are bounded by the cores that process them, not by these slots.
 */
export const DEFAULT_WORKER_CONCURRENCY = 8;

export function loadConfig(
  overrides: ConfigOverrides = {},
  environment: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): LoadoutConfig {
  const file = readConfigFile(cwd);
  const fromEnv = pick({
    env: environment.LOADOUT_ENV,
    home: environment.LOADOUT_HOME,
    raw: environment.LOADOUT_RAW,
    lake: environment.LOADOUT_LAKE,
    warehouse: environment.LOADOUT_WAREHOUSE,
    loadEvery: environment.LOADOUT_LOAD_EVERY,
    temporalAddress: environment.TEMPORAL_ADDRESS,
    namespace: environment.TEMPORAL_NAMESPACE,
    temporalProfile: environment.TEMPORAL_PROFILE,
    temporalConfigFile: environment.TEMPORAL_CONFIG_FILE,
    taskQueue: environment.LOADOUT_TASK_QUEUE,
    sqsQueueUrl: environment.LOADOUT_SQS_QUEUE_URL,
    schemas: environment.LOADOUT_SCHEMAS,
    metricsPort: environment.LOADOUT_METRICS_PORT,
    logFormat: environment.LOADOUT_LOG_FORMAT,
    workflowBundle: environment.LOADOUT_WORKFLOW_BUNDLE,
    dashboardPort: environment.LOADOUT_DASHBOARD_PORT,
    evolution: environment.LOADOUT_EVOLUTION,
  });
  const flat: ConfigOverrides = { ...flatten(file), ...fromEnv, ...pick(overrides) };
  const env = flat.env ?? 'local';
  const home = resolve(cwd, flat.home ?? '.loadout');
  const candidate = {
    env,
    home,
    raw: flat.raw ?? join(home, 'raw'),
    lake: flat.lake ?? join(home, 'lake'),
    warehouse: flat.warehouse ?? `duckdb:${join(home, 'warehouse.duckdb')}`,
    schemas: flat.schemas ? resolve(cwd, flat.schemas) : SHIPPED_EVENTS_DIR,
    warehouseSchema: environment.LOADOUT_WAREHOUSE_SCHEMA || (file.warehouseSchema as string | undefined) || 'loadout',
    loadEvery: flat.loadEvery ?? (ENVIRONMENTS as Record<string, { loadEvery: string }>)[env]?.loadEvery,
    evolution: flat.evolution ?? evolutionOfEnvironment(file.evolution, env) ?? 'strict',
    temporal: {
      address: flat.temporalAddress,
      // Unset: Temporal's profile decides, then `default` (workers/temporal-target.ts).
      namespace: flat.namespace,
      profile: flat.temporalProfile,
      configFile: flat.temporalConfigFile ? resolve(cwd, flat.temporalConfigFile) : undefined,
      taskQueue: flat.taskQueue ?? 'loadout',
    },
    worker: {
      maxConcurrentActivities:
        numberSetting(environment.LOADOUT_WORKER_CONCURRENCY) ??
        (file.worker as Json | undefined)?.maxConcurrentActivities ??
        DEFAULT_WORKER_CONCURRENCY,
      batchThreads: numberSetting(environment.LOADOUT_BATCH_THREADS) ?? (file.worker as Json | undefined)?.batchThreads,
      metricsPort: numberSetting(flat.metricsPort),
      workflowBundle: flat.workflowBundle ? resolve(cwd, flat.workflowBundle) : undefined,
    },
    dashboard: { port: numberSetting(flat.dashboardPort) ?? DEFAULT_DASHBOARD_PORT },
    logFormat: flat.logFormat,
    discovery: {
      sqsQueueUrl: flat.sqsQueueUrl,
      listEvery: (file.discovery as Json | undefined)?.listEvery ?? '5m',
      batchObjects: (file.discovery as Json | undefined)?.batchObjects ?? 16,
      batchBytes: (file.discovery as Json | undefined)?.batchBytes ?? 256 * 1024 * 1024,
    },
  };
  const parsed = configSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const source = ENV_NAMES[path] ? ` (set by loadout.config.json, ${ENV_NAMES[path]} or a flag)` : '';
    const hint =
      path === 'loadEvery' && flat.loadEvery === undefined
        ? `; environment ${env} has no default interval, set LOADOUT_LOAD_EVERY or --load-every`
        : '';
    throw new ConfigError(`invalid setting ${path || '(config)'}${source}: ${issue.message}${hint}`);
  }
  checkPaths(parsed.data);
  return parsed.data;
}

/** Paths that must already exist: a typo there would otherwise read nothing or create an empty warehouse. */
function checkPaths(config: LoadoutConfig): void {
  if (!existsSync(config.schemas)) {
    throw new ConfigError(
      `invalid setting schemas (set by loadout.config.json, LOADOUT_SCHEMAS or --schemas): no directory ${config.schemas}`,
    );
  }
  if (config.warehouse.startsWith('duckdb:')) {
    const file = resolve(config.warehouse.slice('duckdb:'.length));
    // The embedded default lives under LOADOUT_HOME, which Loadout creates; elsewhere the folder must exist.
    if (!file.startsWith(`${config.home}/`) && !existsSync(dirname(file))) {
      throw new ConfigError(
        `invalid setting warehouse (set by loadout.config.json, LOADOUT_WAREHOUSE or --warehouse): no directory ${dirname(file)} for the DuckDB file`,
      );
    }
  }
}

/**
 * `"evolution": {"playtest": "infer", "production": "evolve"}` in the file: the mode of this
 * environment (strict when not listed); a value of another kind is left to the schema to refuse.
 */
function evolutionOfEnvironment(setting: unknown, env: string): unknown {
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) return undefined;
  return Object.hasOwn(setting, env) ? (setting as Json)[env] : undefined;
}

function numberSetting(text: string | undefined): number | string | undefined {
  if (text === undefined || text === '') return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

function readConfigFile(cwd: string): Json {
  const path = join(cwd, 'loadout.config.json');
  if (!existsSync(path)) return {};
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    const unknown = unknownSetting(value as Json);
    if (unknown)
      throw new Error(
        `unknown setting ${JSON.stringify(unknown.path)}${unknown.suggestion ? `: did you mean ${JSON.stringify(unknown.suggestion)}?` : ''}`,
      );
    return value as Json;
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`);
  }
}

function flatten(file: Json): ConfigOverrides {
  const temporal = (file.temporal ?? {}) as Json;
  const discovery = (file.discovery ?? {}) as Json;
  const worker = (file.worker ?? {}) as Json;
  const dashboard = (file.dashboard ?? {}) as Json;
  return pick({
    env: file.env,
    home: file.home,
    raw: file.raw,
    lake: file.lake,
    warehouse: file.warehouse,
    loadEvery: file.loadEvery,
    temporalAddress: temporal.address,
    namespace: temporal.namespace,
    temporalProfile: temporal.profile,
    temporalConfigFile: temporal.configFile,
    taskQueue: temporal.taskQueue,
    sqsQueueUrl: discovery.sqsQueueUrl,
    schemas: file.schemas,
    metricsPort: worker.metricsPort === undefined ? undefined : String(worker.metricsPort),
    logFormat: file.logFormat,
    workflowBundle: worker.workflowBundle,
    dashboardPort: dashboard.port === undefined ? undefined : String(dashboard.port),
    // One mode for every environment; the per-environment form is read by evolutionOfEnvironment.
    evolution: typeof file.evolution === 'string' ? file.evolution : undefined,
  } as Record<string, unknown>) as ConfigOverrides;
}

/** Drops undefined and empty values, so an unset variable never overrides a file setting. */
function pick(values: Record<string, unknown>): ConfigOverrides {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as ConfigOverrides;
}
