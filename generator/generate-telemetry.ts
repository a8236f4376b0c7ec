/** `loadout generate`'s engine: a day of the demo game's raw telemetry, streamed to Firehose-style objects, with its ground truth. */
import { join } from 'node:path';
import { planDay } from './day-plan';
import { Delivery } from './delivery';
import { ExpectedCounts, type Expected } from './expected-counts';
import { assignPlayers, createPlayers } from './game-world';
import { resolveOptions, type GenerateOptions } from './generate-options';
import { firehoseKey } from './object-keys';
import { Random, UuidSource } from './random';
import { RawObjectWriter } from './raw-object-writer';
import { RecordFactory } from './record-factory';
import { Simulation } from './simulation';

export type { Expected } from './expected-counts';
export type { GenerateOptions } from './generate-options';

export interface GeneratedFile {
  /** Path below outDir, `/`-separated. */
  key: string;
  bytes: number;
  records: number;
}

export interface GenerateResult {
  files: GeneratedFile[];
  /** Records written, re-deliveries and junk lines included (blank lines are not records). */
  records: number;
  expected: Expected;
  /** How the corpus came out, beyond what the pipeline can check. */
  stats: {
    /** Sessions simulated, including those begun before the window that run into it. */
    sessions: number;
    /** Distinct player_id of valid session_begin events in the window. */
    distinctPlayers: number;
    lines: number;
    concatenatedLines: number;
    blankLines: number;
    redeliveries: number;
    redeliveriesAcrossFiles: number;
    lateRecords: number;
  };
}

export async function generateTelemetry(
  options: Partial<GenerateOptions> & { outDir: string },
): Promise<GenerateResult> {
  const o = resolveOptions(options);
  const startMicros = o.start.getTime() * 1000;
  const windowMicros = Math.round(o.hours * 3_600_000_000);

  // Game events wanted: records minus re-deliveries, minus unknown events (valid and broken ones stay).
  const simEvents = o.events * (1 - o.duplicateShare) * (1 - o.unknownShare);
  const plan = planDay(simEvents, o.players, o.start, o.hours);
  const players = createPlayers(o.players, new Random(o.seed, 2));
  const sessionPlayers = assignPlayers(players, plan.sessions, plan.warmUpSessions, new Random(o.seed, 9));
  const uuids = new UuidSource(o.seed, 7);
  const newUuid = () => uuids.next();

  const counts = new ExpectedCounts();
  const delivery = new Delivery(
    { duplicateShare: o.duplicateShare, acrossFilesShare: o.duplicateAcrossFilesShare, lateShare: o.lateShare },
    new Random(o.seed, 4),
    counts,
  );
  const factory = new RecordFactory(
    { invalid: o.invalidShare, unknown: o.unknownShare, drift: o.driftShare },
    new Random(o.seed, 3),
    newUuid,
    counts,
  );
  const emitRecord = delivery.fresh.bind(delivery);
  const simulation = new Simulation(
    plan,
    players,
    sessionPlayers,
    startMicros,
    new Random(o.seed, 1),
    newUuid,
    (event) => factory.make(event, emitRecord),
  );

  const format = {
    gzip: o.gzip,
    crlf: o.crlf,
    bom: o.bom,
    blankLineShare: o.blankLineShare,
    concatenatedShare: o.concatenatedShare,
  };
  const lineRandom = new Random(o.seed, 5),
    keyRandom = new Random(o.seed, 6),
    fileUuids = new UuidSource(o.seed, 8);
  const files: GeneratedFile[] = [];
  const stats = { lines: 0, concatenatedLines: 0, blankLines: 0 };
  for (let i = 0; i < o.files; i++) {
    const sliceStart = startMicros + Math.floor((windowMicros * i) / o.files);
    const sliceEnd =
      i === o.files - 1 ? startMicros + windowMicros : startMicros + Math.floor((windowMicros * (i + 1)) / o.files);
    // Firehose names an object by when its buffer opened: a few seconds into the slice.
    const jitter = Math.min(keyRandom.int(0, 59) * 1_000_000, Math.max(0, sliceEnd - sliceStart - 1));
    const key = firehoseKey(new Date(Math.floor((sliceStart + jitter) / 1000)), fileUuids.next(), o.gzip);
    const writer = await RawObjectWriter.open(join(o.outDir, ...key.split('/')), format, lineRandom);
    delivery.startFile(writer, i === o.files - 1);
    for (;;) {
      const reached = simulation.runUntil(sliceEnd, () => writer.needsFlush);
      if (writer.needsFlush) await writer.flush();
      if (reached) break;
    }
    delivery.endFile();
    const bytes = await writer.close();
    files.push({ key, bytes, records: writer.records });
    stats.lines += writer.lines;
    stats.concatenatedLines += writer.concatenatedLines;
    stats.blankLines += writer.blankLines;
  }

  return {
    files,
    records: counts.records,
    expected: counts.toExpected(),
    stats: {
      sessions: plan.sessions,
      distinctPlayers: counts.distinctPlayers,
      ...stats,
      redeliveries: counts.redeliveries,
      redeliveriesAcrossFiles: delivery.acrossFiles,
      lateRecords: delivery.lateRecords,
    },
  };
}
