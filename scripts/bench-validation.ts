/**
 * Validation cost per record: zod's safeParse (the declared rule) against the fast checks
 * (EventType.toRow), on the same parsed records of a generated corpus. Why toRow exists.
 * Usage: npx tsx scripts/bench-validation.ts [--input DIR] (default: generates 200k events)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { generateTelemetry } from '../generator/generate-telemetry';
import { loadCatalog } from '../schemas/catalog';

const { values } = parseArgs({ options: { input: { type: 'string' } } });
const catalog = await loadCatalog();
const dir = values.input ?? mkdtempSync(join(tmpdir(), 'loadout-bench-validation-'));
if (!values.input) await generateTelemetry({ outDir: dir, events: 200_000, files: 4, concatenatedShare: 0 });

const records: Record<string, unknown>[] = [];
const walk = (d: string): void => {
  for (const name of readdirSync(d)) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) walk(path);
    else {
      const bytes = readFileSync(path);
      const text = (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8');
      for (const line of text.split('\n')) {
        try {
          const v = JSON.parse(line) as Record<string, unknown>;
          if (v && typeof v.event === 'string' && catalog.eventType(v.event)) records.push(v);
        } catch {
          /* junk lines are not what this measures */
        }
      }
    }
  }
};
walk(dir);
if (!values.input) rmSync(dir, { recursive: true, force: true });

function measure(name: string, check: (r: Record<string, unknown>) => boolean) {
  let best = Infinity;
  let ok = 0;
  for (let round = 0; round < 5; round++) {
    ok = 0;
    const t = process.hrtime.bigint();
    for (const r of records) if (check(r)) ok++;
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e3 / records.length);
  }
  return { name, records: records.length, valid: ok, best_us_per_record: Math.round(best * 1000) / 1000 };
}

console.log(
  JSON.stringify(
    [
      measure('zod safeParse', (r) => catalog.eventType(r.event as string)!.schema.safeParse(r).success),
      measure('fast checks (toRow)', (r) => catalog.eventType(r.event as string)!.toRow(r) !== undefined),
    ],
    null,
    2,
  ),
);
