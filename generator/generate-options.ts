/** `generate`'s options: what they mean, their defaults, and the checks that refuse nonsense. */

export interface GenerateOptions {
  /** Raw zone directory to write into. */
  outDir: string;
  /** Approximate number of records to write in total, re-deliveries included. */
  events: number;
  /** Number of raw objects; each holds a consecutive slice of the window. */
  files: number;
  /** The window the events' `date` fall in: default yesterday 00:00Z, 24 hours. */
  start: Date;
  hours: number;
  /** Distinct players (all of them play when there are at least as many sessions). */
  players: number;
  /** Share of written records that re-deliver an earlier record. */
  duplicateShare: number;
  /** Share of re-deliveries that repeat a record of an earlier file rather than of the same file (default 0.5). */
  duplicateAcrossFilesShare?: number;
  /** Share of records that break a catalog rule, junk lines included. */
  invalidShare: number;
  /** Share of records whose `event` is not in the catalog. */
  unknownShare: number;
  /** Share of valid records carrying one undeclared attribute. */
  driftShare: number;
  /** Share of lines holding 2-4 records back to back with no newline. */
  concatenatedShare: number;
  /** Write `.gz` objects, else `.jsonl`. */
  gzip: boolean;
  crlf?: boolean;
  bom?: boolean;
  /** Share of blank lines (default 0.0005). */
  blankLineShare?: number;
  /** Share of fresh records that arrive late, in the next object (default 0.003). */
  lateShare?: number;
  /** Same options, same bytes. */
  seed: number;
}

export type ResolvedOptions = Required<GenerateOptions>;

export function resolveOptions(options: Partial<GenerateOptions> & { outDir: string }): ResolvedOptions {
  const yesterday = new Date();
  yesterday.setUTCHours(0, 0, 0, 0);
  yesterday.setUTCDate(yesterday.getUTCDate() - 1);
  const o: ResolvedOptions = {
    events: 100_000,
    files: 8,
    start: yesterday,
    hours: 24,
    players: 500,
    duplicateShare: 0.33,
    duplicateAcrossFilesShare: 0.5,
    invalidShare: 0.01,
    unknownShare: 0.005,
    driftShare: 0.01,
    concatenatedShare: 0.05,
    gzip: true,
    crlf: false,
    bom: false,
    blankLineShare: 0.0005,
    lateShare: 0.003,
    seed: 42,
    ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<GenerateOptions>),
    outDir: options.outDir,
  };
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new Error(`generate: ${message}`);
  };
  check(typeof o.outDir === 'string' && o.outDir.length > 0, 'outDir is required');
  check(Number.isSafeInteger(o.events) && o.events >= 0, `events must be a whole number >= 0, got ${o.events}`);
  check(Number.isSafeInteger(o.files) && o.files >= 1, `files must be a whole number >= 1, got ${o.files}`);
  check(Number.isSafeInteger(o.players) && o.players >= 1, `players must be a whole number >= 1, got ${o.players}`);
  check(Number.isFinite(o.hours) && o.hours > 0 && o.hours <= 24 * 366, `hours must be > 0, got ${o.hours}`);
  check(Number.isSafeInteger(o.seed), `seed must be an integer, got ${o.seed}`);
  check(o.start instanceof Date && !Number.isNaN(o.start.getTime()), 'start must be a valid date');
  const end = new Date(o.start.getTime() + o.hours * 3_600_000);
  check(
    o.start.getUTCFullYear() >= 2000 && end.getUTCFullYear() <= 2100,
    'the window must lie within the years 2000-2100',
  );
  for (const name of [
    'duplicateShare',
    'duplicateAcrossFilesShare',
    'invalidShare',
    'unknownShare',
    'driftShare',
    'concatenatedShare',
    'blankLineShare',
    'lateShare',
  ] as const) {
    check(Number.isFinite(o[name]) && o[name] >= 0 && o[name] <= 1, `${name} must be within 0-1, got ${o[name]}`);
  }
  check(o.duplicateShare <= 0.95, 'duplicateShare must be at most 0.95');
  check(o.invalidShare + o.unknownShare < 1, 'invalidShare + unknownShare must be below 1');
  return o;
}
