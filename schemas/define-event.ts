/** defineEvent: one event type's schema, table, unique key, output columns and fingerprint. */
import { z } from 'zod';
import { assertIdentifier, type OutputColumn } from './column-types';
import { INVALID, type Field } from './fields';
import { fingerprintColumns } from './fingerprint';
import type { PersonalTreatment } from './personal';
import type { EvolutionMode } from './evolution-mode';
import { assertNotReservedColumn } from './lineage-columns';
import { RECORD_KEY, recordKeyOf } from './record-key';
import { string } from './fields';

/** A personal-data output column and what the core writes instead of its clear value. */
export interface PersonalColumn {
  readonly column: number;
  readonly name: string;
  readonly treatment: PersonalTreatment;
}

export interface EventDeclaration {
  /** The `event` tag in the source; also the table name unless `table` is given. */
  tag: string;
  table?: string;
  /** Field names whose values identify one event; duplicates by this key are dropped. Or `recordKey`. */
  uniqueKey?: readonly string[];
  /**
   * Keyed by the record itself, as inferred tables are: a leading `_loadout_key` column, the
   * record's uuid `id` lower-cased or else a hash of the whole record (schemas/record-key.ts).
   */
  recordKey?: true;
  fields: Readonly<Record<string, Field>>;
  /** Overrides the `evolution` setting for this event type, e.g. `strict` for a table a studio controls. */
  evolution?: EvolutionMode;
}

/** An attribute tree of what the schema declares; `true` marks an opaque (JSON text) subtree. */
export type DeclaredAttributes = ReadonlyMap<string, DeclaredAttributes | true | null>;

export interface EventType {
  readonly tag: string;
  readonly table: string;
  /** What the event file declared: a changed schema is the same declaration with other fields. */
  readonly declaration: EventDeclaration;
  readonly uniqueKey: readonly string[];
  /** Strict zod schema of one record; its output is the validated, normalised record. */
  readonly schema: z.ZodType<Record<string, unknown>>;
  readonly columns: readonly OutputColumn[];
  readonly fingerprint: string;
  readonly declared: DeclaredAttributes;
  /** The declaration's own evolution mode, when it sets one (Catalog.evolutionOf applies the setting otherwise). */
  readonly evolution?: EvolutionMode;
  /** Every unique key field is a uuid (the dedup pass can hold keys as 128-bit values). */
  readonly keyIsUuid: boolean;
  /** The personal-data columns, in column order; empty for most event types. */
  readonly personal: readonly PersonalColumn[];
  /** Per output column: its values are validated uuids (36 characters, hex digits and dashes), so text writers need not quote them. */
  readonly uuidColumns: readonly boolean[];
  /**
   * The record's output column values, in column order, or undefined when it breaks a rule
   * (then `schema.safeParse` says which). Normalised: uuids lower-case, timestamps UTC micros.
   */
  readonly toRow: (record: Record<string, unknown>) => unknown[] | undefined;
  /**
   * For a record toRow refused: the first field (in declaration order) whose fast check refuses
   * it, and that field's zod schema, so the reason comes from zod without parsing the whole record.
   */
  readonly firstRefused: (record: Record<string, unknown>) => { field: string; schema: z.ZodType } | undefined;
}

/** The record key's column: what inferred tables have always had (text of at most 64 characters). */
const RECORD_KEY_COLUMNS = string({ max: 64 }).columns(RECORD_KEY, [RECORD_KEY]);

export function defineEvent(declaration: EventDeclaration): EventType {
  const table = assertIdentifier(declaration.table ?? declaration.tag, `table of event ${declaration.tag}`);
  const fields = Object.entries(declaration.fields);
  const fieldColumns = fields.flatMap(([name, field]) => field.columns(name, [name]));
  for (const column of fieldColumns) {
    assertIdentifier(column.name, `column of ${table}`);
    assertNotReservedColumn(column.name, `event ${declaration.tag}: column`);
  }
  if ((declaration.recordKey === true) === (declaration.uniqueKey !== undefined))
    throw new Error(`event ${declaration.tag}: give either uniqueKey or recordKey: true`);
  const recordKey = declaration.recordKey === true;
  const uniqueKey = recordKey ? [RECORD_KEY] : declaration.uniqueKey!;
  const columns = recordKey ? [...RECORD_KEY_COLUMNS, ...fieldColumns] : fieldColumns;
  const names = new Set<string>();
  for (const c of columns) {
    if (names.has(c.name)) throw new Error(`event ${declaration.tag}: two output columns are named ${c.name}`);
    names.add(c.name);
  }
  const personal = columns.flatMap((c, column) =>
    c.personal === undefined ? [] : [{ column, name: c.name, treatment: c.personal }],
  );
  for (const p of personal) {
    // A pseudonym or a network is text; a key is never personal (it names the event, and dedup reads it).
    if (p.treatment !== 'drop' && columns[p.column]!.type !== 'string')
      throw new Error(`event ${declaration.tag}: personal column ${p.name} (${p.treatment}) must be a string`);
    if (uniqueKey.includes(p.name))
      throw new Error(`event ${declaration.tag}: unique key field ${p.name} cannot be personal data`);
  }
  if (uniqueKey.length === 0) throw new Error(`event ${declaration.tag}: uniqueKey is empty`);
  for (const key of uniqueKey) {
    const column = columns.find((c) => c.path.length === 1 && c.path[0] === key);
    if (column === undefined || column.nullable) {
      throw new Error(`event ${declaration.tag}: unique key field ${key} must be a declared, required top-level field`);
    }
  }
  const shape = Object.fromEntries(fields.map(([name, field]) => [name, field.schema]));
  const object = z.object({ event: z.literal(declaration.tag), ...shape });
  const fieldsToRow = compileToRow(fields, fieldColumns);
  return {
    tag: declaration.tag,
    table,
    declaration,
    uniqueKey,
    // A record-keyed type's parsed record carries its key, so a row read from zod's output has it too.
    schema: (recordKey
      ? z.preprocess(withRecordKey, object.extend({ [RECORD_KEY]: z.string() }))
      : object) as unknown as z.ZodType<Record<string, unknown>>,
    columns,
    fingerprint: fingerprintColumns(columns),
    declared: declaredAttributes(declaration.fields, true),
    ...(declaration.evolution === undefined ? {} : { evolution: declaration.evolution }),
    personal,
    keyIsUuid: !recordKey && uniqueKey.every((k) => declaration.fields[k]?.uuid === true),
    uuidColumns: [...(recordKey ? [false] : []), ...fields.flatMap(([name, field]) => uuidFlags(field, name))],
    toRow: recordKey
      ? (record) => {
          const row = fieldsToRow(record);
          if (row !== undefined) row.unshift(recordKeyOf(record));
          return row;
        }
      : fieldsToRow,
    firstRefused: (record) => {
      for (const [field, { fast, schema }] of fields) {
        if (fast(record[field]) === INVALID) return { field, schema };
      }
      return undefined;
    },
  };
}

function withRecordKey(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return { ...value, [RECORD_KEY]: recordKeyOf(value as Record<string, unknown>) };
}

/**
 * Straight from record to row: no intermediate object, since this runs for every event. The
 * function is generated per event type so that each property read names its field and each
 * fast check has a call site of its own: V8 then keeps both monomorphic and inlines the checks,
 * where one loop over all fields of all types is megamorphic (measured in docs/benchmarks.md).
 * Only field names from the declaration enter the code, as JSON string literals.
 */
function compileToRow(
  fields: [string, Field][],
  columns: readonly OutputColumn[],
): (record: Record<string, unknown>) => unknown[] | undefined {
  const lines: string[] = [];
  const values: string[] = [];
  fields.forEach(([name, field], s) => {
    lines.push(`const v${s} = check${s}(record[${JSON.stringify(name)}]);`, `if (v${s} === INVALID) return undefined;`);
    if (field.children === undefined) {
      values.push(`v${s}`);
      return;
    }
    // Flattened objects fill several columns: the sub-paths below the field.
    for (const column of columns.filter((c) => c.path[0] === name)) {
      values.push(
        `v${s}${column.path
          .slice(1)
          .map((k) => `[${JSON.stringify(k)}]`)
          .join('')}`,
      );
    }
  });
  lines.push(`return [${values.join(', ')}];`);
  const checks = fields.map(([, field]) => field.fast);
  const factory = new Function(
    'INVALID',
    ...checks.map((_, s) => `check${s}`),
    `return function toRow(record) {\n${lines.join('\n')}\n};`,
  );
  return factory(INVALID, ...checks) as (record: Record<string, unknown>) => unknown[] | undefined;
}

/** One flag per output column of the field, in column order; a flattened object's come from its children. */
function uuidFlags(field: Field, name: string): boolean[] {
  if (field.children) return Object.entries(field.children).flatMap(([child, f]) => uuidFlags(f, child));
  // A pseudonymised uuid is written as its pseudonym, not as a uuid.
  return field.columns(name, [name]).map(() => field.uuid === true && field.personal === undefined);
}

function declaredAttributes(fields: Readonly<Record<string, Field>>, top: boolean): DeclaredAttributes {
  const tree = new Map<string, DeclaredAttributes | true | null>();
  if (top) tree.set('event', null);
  for (const [name, field] of Object.entries(fields)) {
    tree.set(name, field.opaque ? true : field.children ? declaredAttributes(field.children, false) : null);
  }
  return tree;
}
