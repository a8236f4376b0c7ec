/** The flags every pipeline command shares, mapped onto configuration overrides. */
import type { Command } from 'commander';
import type { ConfigOverrides } from '../config/load-config';

export function withConfigFlags(command: Command): Command {
  return command
    .option('--env <name>', 'environment: production, playtest, local or another name (LOADOUT_ENV)')
    .option('--home <dir>', 'state of the embedded defaults (LOADOUT_HOME, default ./.loadout)')
    .option('--raw <location>', 'raw zone: a directory or s3://bucket/prefix (LOADOUT_RAW)')
    .option('--lake <location>', 'staged/, rejects/, unknown/...: a directory or s3://bucket/prefix (LOADOUT_LAKE)')
    .option('--warehouse <url>', 'duckdb:PATH, postgres://... or redshift://... (LOADOUT_WAREHOUSE)')
    .option(
      '--temporal-address <host:port>',
      'a Temporal frontend; without it the dev server is started (TEMPORAL_ADDRESS)',
    )
    .option('--namespace <name>', "Temporal namespace (TEMPORAL_NAMESPACE; default: the profile's, else default)")
    .option(
      '--temporal-profile <name>',
      "a profile of Temporal's TOML configuration: address, namespace, TLS, API key (TEMPORAL_PROFILE)",
    )
    .option(
      '--temporal-config-file <path>',
      "Temporal's TOML configuration (TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml)",
    )
    .option('--task-queue <name>', 'Temporal task queue (LOADOUT_TASK_QUEUE)')
    .option(
      '--load-every <duration>',
      "interval of the environment's load schedule, e.g. 30s, 15m, 6h (LOADOUT_LOAD_EVERY)",
    )
    .option(
      '--schemas <dir>',
      'the event catalog: a directory of event files (LOADOUT_SCHEMAS, default: the shipped schemas/events)',
    )
    .option(
      '--evolution <mode>',
      'undeclared attributes and event types: strict, evolve (new columns) or infer (new tables too) (LOADOUT_EVOLUTION)',
    );
}

export function overridesFrom(options: Record<string, unknown>): ConfigOverrides {
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    env: s(options.env),
    home: s(options.home),
    raw: s(options.raw),
    lake: s(options.lake),
    warehouse: s(options.warehouse),
    temporalAddress: s(options.temporalAddress),
    namespace: s(options.namespace),
    taskQueue: s(options.taskQueue),
    loadEvery: s(options.loadEvery),
    temporalProfile: s(options.temporalProfile),
    temporalConfigFile: s(options.temporalConfigFile),
    schemas: s(options.schemas),
    evolution: s(options.evolution),
  };
}

/** `--tables a,b` as a list; undefined when the flag is absent (every table). */
export function tablesFrom(options: Record<string, unknown>): string[] | undefined {
  return typeof options.tables === 'string'
    ? options.tables
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : undefined;
}
