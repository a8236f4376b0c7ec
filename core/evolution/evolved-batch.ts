/** What the batch processor asks of evolution: which records need the string path, and the staged files of a table. */
import type { Catalog } from '../../schemas/catalog';
import type { EventType } from '../../schemas/define-event';
import { EvolvedColumns, TEXT_VALUES } from './evolved-columns';
import { isInferredType } from './inferred-type';
import { fingerprintColumns } from '../../schemas/fingerprint';
import { pathOf } from '../attribute-path';
import type { StagedTableFile } from '../batch-output';
import type { StagedPart } from '../parquet-stage-writer';

/** The extra columns of a table of the batch: for inferred types and evolving declared ones; none under `strict`. */
export function evolvedColumnsFor(catalog: Catalog, type: EventType): EvolvedColumns | undefined {
  return isInferredType(type) || catalog.evolutionOf(type) === 'evolve' ? new EvolvedColumns(type) : undefined;
}

/** A fast-lane record (its top-level keys) carries a key its type does not declare. */
export function hasUndeclaredKey(type: EventType, keys: readonly string[], count: number): boolean {
  for (let i = 0; i < count; i++) if (!type.declared.has(keys[i]!)) return true;
  return false;
}

/**
 * The staged files of one table: its parts in the order written, an inferred table's naming its tag. A part with the type's own
 * columns has the type's fingerprint; an evolved part, the fingerprint of its columns, and its
 * columns, which the batch records in the lake for the loader (activities/file-columns.ts).
 */
export function stagedFilesOf(type: EventType, parts: readonly StagedPart[]): Omit<StagedTableFile, 'bytes'>[] {
  return parts
    .filter((p) => p.table === type.table)
    .map((p) => {
      const inferred = isInferredType(type) ? { inferredFrom: type.tag } : {};
      if (p.columns === type.columns)
        return { table: p.table, fingerprint: type.fingerprint, rows: p.rows, path: p.path, ...inferred };
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
          ...textValuesOf(c),
        })),
        ...inferred,
      };
    });
}

/** The lake's record of an extra text column's values (evolved-columns.ts, TEXT_VALUES). */
export function textValuesOf(column: StagedPart['columns'][number]): { uuid?: true; mixed?: true } {
  const values = TEXT_VALUES.get(column);
  return values === undefined ? {} : { [values]: true };
}
