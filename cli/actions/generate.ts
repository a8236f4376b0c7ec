/** What `loadout generate` does (its flags and help: cli/commands/generate.ts), loaded only when it runs. */
import { generateTelemetry } from '../../generator/generate-telemetry';
import { generateSynthetic } from '../generate-synthetic';
import { CommandError, printJson } from '../output';

export async function generateCommand(o: Record<string, string | boolean | undefined>): Promise<void> {
  const num = (name: string) => {
    const value = Number(o[name]);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${name} must be a non-negative number, got ${String(o[name])}`);
    return value;
  };
  if (o.types !== undefined) {
    const to = typeof o.to === 'string' ? o.to : typeof o.out === 'string' ? o.out : undefined;
    if (to === undefined) throw new CommandError('--types needs --to DIR|s3://bucket/prefix (or --out DIR)');
    return generateSynthetic({
      types: num('types'),
      to,
      events: num('events'),
      files: num('files'),
      hours: num('hours'),
      ...(typeof o.start === 'string' ? { start: new Date(o.start) } : {}),
      zipf: num('zipf'),
      duplicates: num('duplicates'),
      ...(o.rate !== undefined ? { rate: num('rate') } : {}),
      ...(typeof o.duration === 'string' ? { duration: o.duration } : {}),
      objectEvery: String(o.objectEvery),
      ...(typeof o.catalogOut === 'string' ? { catalogOut: o.catalogOut } : {}),
      gzip: !o.plain,
      seed: num('seed'),
      json: Boolean(o.json),
    });
  }
  if (typeof o.out !== 'string') throw new CommandError('--out DIR is required: the directory to write into');
  const result = await generateTelemetry({
    outDir: o.out,
    events: num('events'),
    files: num('files'),
    hours: num('hours'),
    players: num('players'),
    duplicateShare: num('duplicates'),
    invalidShare: num('invalid'),
    unknownShare: num('unknown'),
    driftShare: num('drift'),
    concatenatedShare: num('concatenated'),
    gzip: !o.plain,
    seed: num('seed'),
    ...(typeof o.start === 'string' ? { start: new Date(o.start) } : {}),
  });
  if (o.json) printJson(result);
  else {
    const bytes = result.files.reduce((n, f) => n + f.bytes, 0);
    process.stdout.write(
      `wrote ${result.records} records in ${result.files.length} files (${(bytes / 1e6).toFixed(1)} MB) under ${String(o.out)}\n`,
    );
  }
}
