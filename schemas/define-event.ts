/** defineEvent: one event type's schema, table, unique key, output columns and fingerprint. */
import { z } from 'zod';
import { assertIdentifier, type OutputColumn } from './column-types';
import { INVALID, type Field } from './fields';
import { fingerprintColumns } from './fingerprint';

export interface EventDeclaration {
  /** The `event` tag in the source; also the table name unless `table` is given. */
  tag: string;
  table?: string;
  /** Field names whose values identify one event; duplicates by this key are dropped. */
  uniqueKey: readonly string[];
  fields: Readonly<Record<string, Field>>;
}

/** An attribute tree of what the schema declares; `true` marks an opaque (JSON text) subtree. */
export type DeclaredAttributes = ReadonlyMap<string, DeclaredAttributes | true | null>;

export interface EventType {
  readonly tag: string;
  readonly table: string;
  readonly uniqueKey: readonly string[];
  /** Strict zod schema of one record; its output is the validated, normalised record. */
  readonly schema: z.ZodType<Record<string, unknown>>;
  readonly columns: readonly OutputColumn[];
  readonly fingerprint: string;
  readonly declared: DeclaredAttributes;
  /** Every unique key field is a uuid (the dedup pass can hold keys as 128-bit values). */
  readonly keyIsUuid: boolean;
  /** Per output column: its values are validated uuids (36 characters, hex digits and dashes), so text writers need not quote them. */
  readonly uuidColumns: readonly boolean[];
  /**
   * The record's output column values, in column order, or undefined when it breaks a rule
   * (then `schema.safeParse` says which). Normalised: uuids lower-case, timestamps UTC micros.
   */
  readonly toRow: (record: Record<string, unknown>) => unknown[] | undefined;
}

export function defineEvent(declaration: EventDeclaration): EventType {
  const table = assertIdentifier(declaration.table ?? declaration.tag, `table of event ${declaration.tag}`);
  const fields = Object.entries(declaration.fields);
  const columns = fields.flatMap(([name, field]) => field.columns(name, [name]));
  for (const column of columns) assertIdentifier(column.name, `column of ${table}`);
  const names = new Set<string>();
  for (const c of columns) {
    if (names.has(c.name)) throw new Error(`event ${declaration.tag}: two output columns are named ${c.name}`);
    names.add(c.name);
  }
  if (declaration.uniqueKey.length === 0) throw new Error(`event ${declaration.tag}: uniqueKey is empty`);
  for (const key of declaration.uniqueKey) {
    const column = columns.find((c) => c.path.length === 1 && c.path[0] === key);
    if (column === undefined || column.nullable) {
      throw new Error(`event ${declaration.tag}: unique key field ${key} must be a declared, required top-level field`);
    }
  }
  const shape = Object.fromEntries(fields.map(([name, field]) => [name, field.schema]));
  return {
    tag: declaration.tag,
    table,
    uniqueKey: [...declaration.uniqueKey],
    schema: z.object({ event: z.literal(declaration.tag), ...shape }) as unknown as z.ZodType<Record<string, unknown>>,
    columns,
    fingerprint: fingerprintColumns(columns),
    declared: declaredAttributes(declaration.fields, true),
    keyIsUuid: declaration.uniqueKey.every((k) => declaration.fields[k]?.uuid === true),
    uuidColumns: fields.flatMap(([name, field]) => uuidFlags(field, name)),
    toRow: compileToRow(fields, columns),
  };
}

function compileToRow(fields: [string, Field][], columns: readonly OutputColumn[]) {
  // Straight from record to row: no intermediate object, since this runs for every event.
  const steps = fields.map(([name, field]) => ({
    name,
    fast: field.fast,
    // Flattened objects fill several columns: the sub-paths below the field.
    subPaths: field.children ? columns.filter((c) => c.path[0] === name).map((c) => c.path.slice(1)) : undefined,
  }));
  const width = columns.length;
  return (record: Record<string, unknown>): unknown[] | undefined => {
    const row = new Array<unknown>(width);
    let at = 0;
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s]!;
      const value = step.fast(record[step.name]);
      if (value === INVALID) return undefined;
      if (step.subPaths === undefined) {
        row[at++] = value;
        continue;
      }
      for (const path of step.subPaths) {
        let inner: unknown = value;
        for (const key of path) inner = (inner as Record<string, unknown>)[key];
        row[at++] = inner;
      }
    }
    return row;
  };
}

/** One flag per output column of the field, in column order; a flattened object's come from its children. */
function uuidFlags(field: Field, name: string): boolean[] {
  if (field.children) return Object.entries(field.children).flatMap(([child, f]) => uuidFlags(f, child));
  return field.columns(name, [name]).map(() => field.uuid === true);
}

function declaredAttributes(fields: Readonly<Record<string, Field>>, top: boolean): DeclaredAttributes {
  const tree = new Map<string, DeclaredAttributes | true | null>();
  if (top) tree.set('event', null);
  for (const [name, field] of Object.entries(fields)) {
    tree.set(name, field.opaque ? true : field.children ? declaredAttributes(field.children, false) : null);
  }
  return tree;
}
