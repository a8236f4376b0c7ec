/** The one validated configuration object, and the named environments' defaults. */
import { z } from 'zod';
import { EVOLUTION_MODES, type EvolutionMode } from '../schemas/evolution-mode';

export const ENVIRONMENTS = {
  /** Live game: loads every 6 hours, as the seed's production ingestion. */
  production: { loadEvery: '6h' },
  /** Internal playtests: loaded daily. */
  playtest: { loadEvery: '24h' },
  /** The embedded demo and local runs: loaded when asked, or every 15 minutes under `loadout dev`. */
  local: { loadEvery: '15m' },
} as const satisfies Record<string, { loadEvery: string }>;

const DURATION = /^(\d+)(ms|s|m|h|d)$/;

export const duration = z.string().regex(DURATION, 'a duration like 90s, 15m, 6h or 1d');

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

const warehouseUrl = z
  .string()
  .refine(
    (s) => /^(duckdb:|postgres:\/\/|postgresql:\/\/|redshift:\/\/)/.test(s),
    'duckdb:PATH, postgres://... or redshift://...',
  );

export const configSchema = z.object({
  /** Environment name: production, playtest, local, or any other name (then loadEvery is required). */
  env: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -'),
  /** Where embedded defaults keep their state: the dev server's database, the lake, the DuckDB file. */
  home: z.string().min(1),
  /** The raw zone: a directory or s3://bucket/prefix. Read-only to Loadout. */
  raw: z.string().min(1),
  /** staged/, manifests/, loaded/, rejects/, unknown/ live here: a directory or s3://bucket/prefix. */
  lake: z.string().min(1),
  warehouse: warehouseUrl,
  /** The event catalog: a directory of event files (default: the shipped schemas/events). */
  schemas: z.string().min(1),
  /** Schema holding the tables, the ledger and the KPI views. */
  warehouseSchema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier'),
  loadEvery: duration,
  /** Undeclared attributes and event types: strict (drift only), evolve (new columns), infer (new tables too). */
  evolution: z.enum(EVOLUTION_MODES as [EvolutionMode, ...EvolutionMode[]]),
  temporal: z.object({
    /**
     * host:port of a Temporal frontend; absent: the Temporal profile's (workers/temporal-target.ts),
     * else start the dev server under `home`.
     */
    address: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'host:port')
      .optional(),
    /** Absent: the Temporal profile's namespace, else `default`. */
    namespace: z.string().min(1).optional(),
    /**
     * A profile of Temporal's own TOML configuration (TEMPORAL_PROFILE); TLS, API key and gRPC
     * metadata come only from there and from Temporal's variables, under Temporal's names.
     */
    profile: z.string().min(1).optional(),
    /** The TOML file holding the profiles (TEMPORAL_CONFIG_FILE; default ~/.config/temporalio/temporal.toml). */
    configFile: z.string().min(1).optional(),
    taskQueue: z.string().min(1),
  }),
  worker: z.object({
    /** Batches and loads one worker runs at once; each batch holds its tables' row groups in memory. */
    maxConcurrentActivities: z.number().int().min(1).max(64),
    /** Threads running batches' processing core (workers/batch-threads/); absent: one per core; 0: the activity's own thread. */
    batchThreads: z.number().int().min(0).max(64).optional(),
    /** `loadout worker` / `loadout dev` serve Prometheus metrics on http://0.0.0.0:PORT/metrics. */
    metricsPort: z.number().int().min(1).max(65535).optional(),
    /**
     * A workflow bundle built by `npm run build:workflows` (scripts/build-workflow-bundle.ts): a
     * production worker loads it instead of bundling workflows/ at start (seconds, and webpack's output).
     */
    workflowBundle: z.string().min(1).optional(),
  }),
  dashboard: z.object({
    /** `loadout dashboard` and `loadout dev` serve the KPI page on http://127.0.0.1:PORT/ (0: any free port). */
    port: z.number().int().min(0).max(65535),
  }),
  /** Log lines on stderr: one JSON object per line, or human text; absent: text on a terminal, else JSON. */
  logFormat: z.enum(['json', 'text']).optional(),
  discovery: z.object({
    /** SQS queue receiving S3 ObjectCreated notifications; absent means: list after a watermark. */
    sqsQueueUrl: z.string().url().optional(),
    /** How often to list the raw zone after the watermark (also reconciles missed notifications). */
    listEvery: duration,
    /** Raw objects per fileBatch workflow. */
    batchObjects: z.number().int().min(1).max(1000),
    /** Bytes per fileBatch workflow (the batch closes at whichever limit comes first). */
    batchBytes: z.number().int().min(1),
  }),
});

export type LoadoutConfig = z.infer<typeof configSchema>;
