/** Stages one table file of a batch: what the loader must know of it first (inferred tag, evolved columns), then the file. */
import { stagedKey } from '../core/batch-id';
import type { StagedTableFile } from '../core/batch-output';
import { stagedSchemaKey, stagedSchemaRecord } from '../core/evolution/staged-schema';
import type { ObjectStore } from '../stores/object/object-store';
import { whileHeartbeating } from './heartbeat';
import { inferredTableKey, inferredTableRecord } from './inferred-catalog';

/** Every name is derived from the file and the batch: a retry writes the same keys again. Returns the staged key. */
export async function stageTableFile(lake: ObjectStore, file: StagedTableFile, batchId: string): Promise<string> {
  const key = stagedKey(file.table, file.fingerprint, batchId);
  // No loader may find the file without them.
  if (file.inferredFrom !== undefined)
    await lake.write(inferredTableKey(file.table), JSON.stringify(inferredTableRecord(file.inferredFrom, file.table)));
  if (file.columns !== undefined)
    await lake.write(
      stagedSchemaKey(file.table, file.fingerprint),
      JSON.stringify(stagedSchemaRecord(file.table, file.fingerprint, file.columns), null, 1),
    );
  await whileHeartbeating(() => lake.writeFile(key, file.path));
  return key;
}
