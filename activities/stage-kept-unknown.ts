/**
 * Under `infer`, the records kept in `unknown/` before the switch, loaded too: each kept file's
 * records of tags no schema declares go through the core again, which stages them into their
 * inferred tables under a batch id derived from the kept file's, then a marker says the file is
 * done. A retry re-stages the same names; a file staged twice merges to the same rows (the key).
 * Records of tags declared since are left to `loadout replay`, which reprocesses their raw objects.
 */
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BatchProcessor } from '../core/batch-processor';
import type { Catalog } from '../schemas/catalog';
import type { ObjectStore } from '../stores/object/object-store';
import type { PersonalDataKeys } from '../core/personal/personal-data';
import { stageTableFile } from './stage-table-file';

export interface KeptUnknownDeps {
  catalog: Catalog;
  lake: ObjectStore;
  personal: PersonalDataKeys;
}

export interface KeptUnknownResult {
  /** Kept files read in this run (the ones not marked done before). */
  files: number;
  /** Rows staged per inferred table. */
  tables: Record<string, number>;
}

const KEPT_PREFIX = 'unknown/';

export function keptUnknownMarkerKey(keptKey: string): string {
  return `ledger/kept-unknown/${createHash('sha256').update(keptKey).digest('hex').slice(0, 40)}.json`;
}

/** The batch id of a kept file's reprocessing: 32 hex digits, derived from its key. */
export function keptUnknownBatchId(keptKey: string): string {
  return createHash('sha256').update('kept-unknown\n').update(keptKey).digest('hex').slice(0, 32);
}

export async function stageKeptUnknown(deps: KeptUnknownDeps): Promise<KeptUnknownResult> {
  const result: KeptUnknownResult = { files: 0, tables: {} };
  if (!deps.catalog.infersUnknownTypes) return result;
  const kept: string[] = [];
  for await (const o of deps.lake.list(KEPT_PREFIX)) if (o.key.endsWith('.jsonl')) kept.push(o.key);
  for (const key of kept.sort()) {
    const marker = keptUnknownMarkerKey(key);
    if (await deps.lake.head(marker)) continue;
    const lines = Buffer.from(await deps.lake.readBytes(key))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0 && !declaredTag(deps.catalog, line));
    if (lines.length > 0) await stageLines(deps, key, lines, result);
    await deps.lake.write(marker, JSON.stringify({ key, records: lines.length }));
    result.files++;
    Context.current().heartbeat({ kept: key });
  }
  return result;
}

async function stageLines(deps: KeptUnknownDeps, key: string, lines: string[], result: KeptUnknownResult) {
  const workDir = await mkdtemp(join(tmpdir(), 'loadout-kept-'));
  try {
    const batchId = keptUnknownBatchId(key);
    // Staged like any batch's files, their lineage column included (their rejects and unknown
    // side tables, already loaded from the original batch, are not staged again).
    const processor = new BatchProcessor({
      catalog: deps.catalog,
      workDir,
      personal: deps.personal,
      lineage: { batchId, source: deps.lake.location },
    });
    const unreadable = await processor.processObject(key, Readable.from([Buffer.from(`${lines.join('\n')}\n`)]));
    if (unreadable !== undefined) throw new Error(`${key}: ${unreadable.reason}`);
    const output = await processor.finish();
    for (const file of output.tables) {
      await stageTableFile(deps.lake, file, batchId);
      result.tables[file.table] = (result.tables[file.table] ?? 0) + file.rows;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** A kept record whose tag a schema declares now: the replay's, not this activity's. */
function declaredTag(catalog: Catalog, line: string): boolean {
  try {
    const tag = (JSON.parse(line) as { event?: unknown }).event;
    return typeof tag === 'string' && catalog.eventType(tag) !== undefined;
  } catch {
    return false;
  }
}
