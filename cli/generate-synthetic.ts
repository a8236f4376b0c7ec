/** `loadout generate --types N`: a catalog-less corpus of N synthetic event types, at once or at a steady rate. */
import { durationMs } from '../config/config-schema';
import { writeSyntheticCatalog } from '../generator/synthetic/synthetic-catalog';
import {
  streamSyntheticCorpus,
  writeSyntheticCorpus,
  type SyntheticCorpusResult,
} from '../generator/synthetic/synthetic-corpus';
import { syntheticTypes } from '../generator/synthetic/synthetic-types';
import { CommandError, printJson } from './output';
import { oneLine } from './terminal-text';

export interface SyntheticFlags {
  types: number;
  to: string;
  events: number;
  files: number;
  hours: number;
  start?: Date;
  zipf: number;
  duplicates: number;
  rate?: number;
  duration?: string;
  objectEvery: string;
  catalogOut?: string;
  gzip: boolean;
  seed: number;
  json: boolean;
}

export async function generateSynthetic(flags: SyntheticFlags): Promise<void> {
  if (!Number.isSafeInteger(flags.types) || flags.types < 1 || flags.types > 10_000)
    throw new CommandError(`--types must be a whole number within 1-10000, got ${flags.types}`);
  if (!(flags.zipf >= 0 && flags.zipf <= 4)) throw new CommandError(`--zipf must be within 0-4, got ${flags.zipf}`);
  if (flags.duplicates > 0.95) throw new CommandError(`--duplicates must be at most 0.95, got ${flags.duplicates}`);
  const types = syntheticTypes(flags.types, flags.seed, flags.zipf);
  if (flags.catalogOut !== undefined) writeSyntheticCatalog(flags.catalogOut, types);
  const common = { to: flags.to, types, seed: flags.seed, duplicateShare: flags.duplicates, gzip: flags.gzip };
  let result: SyntheticCorpusResult;
  if (flags.rate !== undefined) {
    if (flags.duration === undefined) throw new CommandError('--rate needs --duration, e.g. --duration 10m');
    const everyMs = parseDuration('object-every', flags.objectEvery);
    result = await streamSyntheticCorpus({
      ...common,
      rate: flags.rate,
      durationMs: parseDuration('duration', flags.duration),
      everyMs,
      // Progress on stderr: stdout stays one JSON document under --json.
      onObject: (o) => process.stderr.write(`${o.at} ${oneLine(o.key)}: ${o.records} records\n`),
    });
  } else {
    const yesterday = new Date();
    yesterday.setUTCHours(0, 0, 0, 0);
    yesterday.setUTCDate(yesterday.getUTCDate() - 1);
    if (!Number.isSafeInteger(flags.files) || flags.files < 1)
      throw new CommandError(`--files must be a whole number >= 1, got ${flags.files}`);
    result = await writeSyntheticCorpus({
      ...common,
      events: flags.events,
      files: flags.files,
      start: flags.start ?? yesterday,
      hours: flags.hours,
    });
  }
  if (flags.json) printJson({ types: types.length, ...result });
  else {
    const bytes = result.objects.reduce((n, o) => n + o.bytes, 0);
    process.stdout.write(
      `wrote ${result.records} records of ${types.length} event types in ${result.objects.length} objects (${(bytes / 1e6).toFixed(1)} MB) to ${oneLine(flags.to)}` +
        (flags.catalogOut ? `; their catalog in ${oneLine(flags.catalogOut)}` : '') +
        '\n',
    );
  }
}

function parseDuration(flag: string, text: string): number {
  try {
    const ms = durationMs(text);
    if (ms > 0) return ms;
  } catch {
    // Refused below with the flag's name.
  }
  throw new CommandError(`--${flag} must be a duration like 10s, 10m or 1h, got ${text}`);
}
