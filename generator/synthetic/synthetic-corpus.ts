/**
 * Writes a synthetic corpus to a directory or s3://bucket/prefix: all at once (`events` over `files`
 * objects spread over a window), or at a steady rate in real time, one object every interval, as
 * Firehose delivers (S3 then notifies the queue the bucket is configured for).
 */
import { gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { openObjectStore } from '../../stores/object/open-object-store';
import { firehoseKey } from '../object-keys';
import { UuidSource } from '../random';
import { SyntheticRecords } from './synthetic-records';
import type { SyntheticType } from './synthetic-types';

export interface SyntheticCorpusOptions {
  /** A directory or s3://bucket/prefix. */
  to: string;
  types: readonly SyntheticType[];
  seed: number;
  duplicateShare: number;
  gzip: boolean;
}

export interface WrittenObject {
  key: string;
  records: number;
  bytes: number;
  /** When the object was written (its creation, as the store records it within a moment). */
  at: string;
}

export interface SyntheticCorpusResult {
  objects: WrittenObject[];
  records: number;
  /** Distinct records per event type: the rows its table must hold after a load. */
  expected: Record<string, number>;
}

/** `events` records in `files` objects whose records fall in consecutive slices of [start, start + hours). */
export async function writeSyntheticCorpus(
  options: SyntheticCorpusOptions & { events: number; files: number; start: Date; hours: number },
): Promise<SyntheticCorpusResult> {
  const sink = objectSink(options);
  const spanMs = (options.hours * 3_600_000) / options.files;
  for (let f = 0; f < options.files; f++) {
    const count =
      Math.floor((options.events * (f + 1)) / options.files) - Math.floor((options.events * f) / options.files);
    const from = new Date(options.start.getTime() + f * spanMs);
    await sink.write(from, sink.records.lines(count, from, spanMs, (f + 0.5) / options.files), count);
  }
  return sink.result();
}

/**
 * `rate` records a second for `durationMs`, one object every `everyMs`, dated now: the object's records
 * span the interval it closes. Late attributes appear as the run's progress reaches them.
 */
export async function streamSyntheticCorpus(
  options: SyntheticCorpusOptions & {
    rate: number;
    durationMs: number;
    everyMs: number;
    onObject?: (object: WrittenObject) => void;
  },
): Promise<SyntheticCorpusResult> {
  const sink = objectSink(options);
  const started = Date.now();
  const ticks = Math.max(1, Math.round(options.durationMs / options.everyMs));
  for (let k = 0; k < ticks; k++) {
    const due = started + (k + 1) * options.everyMs;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const count =
      Math.round((options.rate * (k + 1) * options.everyMs) / 1000) -
      Math.round((options.rate * k * options.everyMs) / 1000);
    const from = new Date(Date.now() - options.everyMs);
    const object = await sink.write(from, sink.records.lines(count, from, options.everyMs, (k + 0.5) / ticks), count);
    options.onObject?.(object);
  }
  return sink.result();
}

function objectSink(options: SyntheticCorpusOptions) {
  const store = openObjectStore(options.to);
  const records = new SyntheticRecords(options.types, options.seed, options.duplicateShare);
  const names = new UuidSource(options.seed, 905);
  const objects: WrittenObject[] = [];
  return {
    records,
    async write(time: Date, text: string, count: number): Promise<WrittenObject> {
      // Level 1: the generator shares the machine with the pipeline it feeds.
      const body = options.gzip ? gzipSync(text, { level: 1 }) : Buffer.from(text);
      const key = firehoseKey(time, names.next(), options.gzip);
      await store.write(key, body);
      const object = { key, records: count, bytes: body.length, at: new Date().toISOString() };
      objects.push(object);
      return object;
    },
    result(): SyntheticCorpusResult {
      return {
        objects,
        records: records.written,
        expected: Object.fromEntries([...records.distinct].sort(([a], [b]) => (a < b ? -1 : 1))),
      };
    },
  };
}
