/** What the batch processor asks of evolution: which records need the string path, and the staged files of a table. */
import type { EventType } from '../../schemas/define-event';
import { fingerprintColumns } from '../../schemas/fingerprint';
import { pathOf } from '../attribute-path';
import type { StagedTableFile } from '../batch-output';
import type { StagedPart } from '../parquet-stage-writer';

/** A fast-lane record (its top-level keys) carries a key its type does not declare. */
export function hasUndeclaredKey(type: EventType, keys: readonly string[], count: number): boolean {
  for (let i = 0; i < count; i++) if (!type.declared.has(keys[i]!)) return true;
  return false;
}

/**
 * The staged files of one table: its parts in the order written. A part with the type's own
 * columns has the type's fingerprint; an evolved part, the fingerprint of its columns, and its
 * columns, which the batch records in the lake for the loader (activities/file-columns.ts).
 */
export function stagedFilesOf(type: EventType, parts: readonly StagedPart[]): Omit<StagedTableFile, 'bytes'>[] {
  return parts
    .filter((p) => p.table === type.table)
    .map((p) => {
      if (p.columns === type.columns)
        return { table: p.table, fingerprint: type.fingerprint, rows: p.rows, path: p.path };
      const declared = new Set(type.columns);
      return {
        table: p.table,
        fingerprint: fingerprintColumns(p.columns),
        rows: p.rows,
        path: p.path,
        columns: p.columns.map((c) => ({
          name: c.name,
          type: c.type,
          nullable: c.nullable,
          ...(declared.has(c) ? {} : { attribute: pathOf(c.path) }),
        })),
      };
    });
}
