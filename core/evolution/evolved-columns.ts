/**
 * One batch's extra columns of one table: the undeclared leaves its records carried, each with a
 * name (column-names.ts) and a kind (type-lattice.ts) widened by every value. Rows are the
 * declared row followed by one value per extra column. When a record adds a column or widens a
 * column's stored type, the column list is replaced by a new one (never mutated), so the stage
 * writer can tell the rows of the earlier list from the later (parts of different fingerprints).
 */
import type { OutputColumn } from '../../schemas/column-types';
import type { EventType } from '../../schemas/define-event';
import { columnNameOf } from './column-names';
import { columnTypeOfKind, kindOf, stagedValue, widenKind, type InferredKind } from './type-lattice';
import { undeclaredLeaves, type UndeclaredLeaf } from './undeclared-leaves';
import type { ParquetStageWriter } from '../parquet-stage-writer';

export interface ExtraColumn {
  readonly name: string;
  readonly segments: readonly string[];
  readonly kind: InferredKind;
  /** A string column some of whose values were not strings (staged as their JSON text). */
  readonly mixed?: boolean;
}

/**
 * What the lake records of an extra text column's values beyond its type, for `schema export`:
 * `uuid` (all uuids so far, stored lower-cased) or `mixed` (not all strings). Keyed by the column
 * object the stage writer gets, which keeps its type and fingerprint when only this changes.
 */
export const TEXT_VALUES = new WeakMap<OutputColumn, 'uuid' | 'mixed'>();

const TEXT_KINDS: ReadonlySet<InferredKind> = new Set(['string', 'uuid', 'timestamp']);

function markText(column: OutputColumn | undefined, extra: ExtraColumn): void {
  if (column === undefined) return;
  if (extra.kind === 'uuid') TEXT_VALUES.set(column, 'uuid');
  else if (extra.mixed === true) TEXT_VALUES.set(column, 'mixed');
  else TEXT_VALUES.delete(column);
}

export class EvolvedColumns {
  /** Declared columns then extra ones; a new array whenever the staged shape changes. */
  columns: readonly OutputColumn[];
  uuidColumns: readonly boolean[];
  private extras: ExtraColumn[] = [];
  private readonly byName = new Map<string, number>();
  private readonly declaredNames: ReadonlySet<string>;
  /** Column names of the paths seen (leaves have one or two segments): columnNameOf costs 0.16 µs a leaf. */
  private readonly topNames = new Map<string, string>();
  private readonly nestedNames = new Map<string, Map<string, string>>();

  constructor(private readonly type: EventType) {
    this.columns = type.columns;
    this.uuidColumns = type.uuidColumns;
    this.declaredNames = new Set(type.columns.map((c) => c.name));
  }

  get hasExtras(): boolean {
    return this.extras.length > 0;
  }

  /** Writes a record's full row (rowOf) to its table; without the record (a zod-rescued row), no extra values. */
  write(writer: ParquetStageWriter, declaredRow: unknown[], record: Record<string, unknown> | undefined): void {
    const row = this.rowOf(declaredRow, record === undefined ? [] : undeclaredLeaves(record, this.type.declared));
    writer.pushShaped(this.type.table, this.columns, this.uuidColumns, row);
  }

  /** The full row of a record: the declared row, then its extra values (NULL where it has none). */
  rowOf(declaredRow: unknown[], leaves: readonly UndeclaredLeaf[]): unknown[] {
    if (leaves.length === 0 && this.extras.length === 0) return declaredRow;
    const columnOf: number[] = [];
    let changed = false;
    for (const leaf of leaves) {
      const kind = kindOf(leaf.value)!;
      const name = this.nameOf(leaf.segments);
      let at = this.byName.get(name);
      if (at === undefined) {
        at = this.extras.length;
        this.byName.set(name, at);
        this.extras.push({ name, segments: leaf.segments, kind });
        changed = true;
      } else {
        const was = this.extras[at]!;
        const widened = widenKind(was.kind, kind);
        const mixed =
          widened === 'string' && (was.mixed === true || !TEXT_KINDS.has(was.kind) || !TEXT_KINDS.has(kind));
        if (widened !== was.kind || mixed !== (was.mixed === true)) {
          this.extras[at] = { ...was, kind: widened, mixed };
          if (columnTypeOfKind(widened) !== columnTypeOfKind(was.kind)) changed = true;
          // Still text: the same column (and fingerprint), its values marked anew.
          else markText(this.columns[this.type.columns.length + at], this.extras[at]!);
        }
      }
      columnOf.push(at);
    }
    if (changed) this.reshape();
    const base = declaredRow.length;
    const row = declaredRow.concat(new Array<unknown>(this.extras.length).fill(null));
    // In leaf order, so of two leaves with one name (`a_b` and `a.b`) the later one's value is staged.
    for (let j = 0; j < leaves.length; j++)
      row[base + columnOf[j]!] = stagedValue(this.extras[columnOf[j]!]!.kind, leaves[j]!.value);
    return row;
  }

  private nameOf(segments: readonly string[]): string {
    if (segments.length > 2) return columnNameOf(segments, this.declaredNames);
    let names = this.topNames;
    let key = segments[0]!;
    if (segments.length === 2) {
      let nested = this.nestedNames.get(key);
      if (nested === undefined) this.nestedNames.set(key, (nested = new Map()));
      names = nested;
      key = segments[1]!;
    }
    let name = names.get(key);
    if (name === undefined) {
      name = columnNameOf(segments, this.declaredNames);
      names.set(key, name);
    }
    return name;
  }

  private reshape(): void {
    const extra: OutputColumn[] = this.extras.map((e) => {
      const column = { name: e.name, type: columnTypeOfKind(e.kind), nullable: true, path: e.segments };
      markText(column, e);
      return column;
    });
    this.columns = [...this.type.columns, ...extra];
    this.uuidColumns = [...this.type.uuidColumns, ...extra.map(() => false)];
  }
}
