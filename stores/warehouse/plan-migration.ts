/**
 * A table's schema migration plan: the columns an event type declares against the columns the
 * warehouse describes. Additive changes (a missing table, a missing column, a NOT NULL the schema
 * no longer asks for, a Redshift VARCHAR to widen) carry the DDL that applies them. Changes that
 * would lose or reinterpret stored data are refused, each with what the operator should do.
 *
 * A table with any refused change is not altered at all: half a migration would leave the table
 * in a shape neither the old nor the new schema describes (a renamed column would come back as a
 * new empty one beside the old, and the rename could then no longer be done in place).
 *
 * Pure: no Temporal, no I/O. The warehouse is described by the caller.
 */
import type { ColumnType, OutputColumn } from '../../schemas/column-types';
import type { EventType } from '../../schemas/define-event';
import { rebuildCommand } from './rebuild-table';
import { ident, qualified } from './sql/identifiers';
import { KPI_VIEWS } from './sql/kpi-sql';
import { columnTypeSql, sizedTextBytes } from './sql/column-type-sql';
import { addColumnSql, createKeyIndexSql, createTableSql, type TypeNames } from './sql/merge-sql';
import { redshiftTableDesign } from './sql/redshift-table-sql';
import type { ExistingColumn, Warehouse } from './warehouse';
import { widenColumnType } from '../../core/evolution/type-lattice';

export interface MigrationTarget {
  /** The warehouse schema holding Loadout's tables. */
  schema: string;
  dialect: Warehouse['dialect'];
  types: TypeNames;
  /**
   * Columns no schema declares (evolved, core/evolution/): a stored type narrower on the lattice
   * than theirs is widened in place, its values cast (docs/schemas.md), instead of refused.
   */
  evolved?: ReadonlySet<string>;
}

/** `rebuildTable` is only ever applied on request (`loadout migrate --rebuild`), never planned. */
export type AdditiveKind = 'createTable' | 'addColumn' | 'dropNotNull' | 'widenColumn' | 'rebuildTable';

/** A change applied automatically: it keeps every stored value as it is. */
export interface AdditiveChange {
  kind: AdditiveKind;
  /** The column it concerns (none for createTable). */
  column?: string;
  description: string;
  /** The DDL that applies it, in order. */
  sql: string[];
}

export type RefusedKind = 'typeChange' | 'undeclaredColumn' | 'keyColumnAdded' | 'notNullKept';

/** A change that would lose or reinterpret stored data: never applied by Loadout. */
export interface RefusedChange {
  kind: RefusedKind;
  column: string;
  /** What differs, in one sentence. */
  reason: string;
  /** What the operator should do, in one line (the statements below included). */
  todo: string;
  /** Statements that carry the change out, for an operator to run knowingly; empty when the fix is in schemas/. */
  sql: string[];
}

export interface TablePlan {
  table: string;
  /** The event tag whose schema declares the table (where to look in schemas/). */
  tag: string;
  exists: boolean;
  changes: AdditiveChange[];
  refused: RefusedChange[];
}

type Declared = Pick<EventType, 'tag' | 'table' | 'uniqueKey'> & {
  columns: readonly Pick<OutputColumn, 'name' | 'type' | 'nullable' | 'maxBytes'>[];
};

export function planTableMigration(
  declared: Declared,
  existing: readonly ExistingColumn[] | undefined,
  target: MigrationTarget,
): TablePlan {
  const { schema, dialect, types } = target;
  const { table, tag } = declared;
  const plan: TablePlan = { table, tag, exists: existing !== undefined, changes: [], refused: [] };
  if (existing === undefined) {
    plan.changes.push({
      kind: 'createTable',
      description: `create ${schema}.${table} with ${declared.columns.length} columns${dialect === 'postgres' ? ` and an index on (${declared.uniqueKey.join(', ')})` : ''}`,
      sql: [
        createTableSql(
          schema,
          table,
          declared.columns,
          types,
          dialect === 'redshift' ? redshiftTableDesign(declared.columns, declared.uniqueKey) : {},
        ),
        ...(dialect === 'postgres' ? [createKeyIndexSql(schema, table, declared.uniqueKey)] : []),
      ],
    });
    return plan;
  }

  const tableSql = qualified(schema, table);
  const have = new Map(existing.map((c) => [c.name, c]));
  const declaredNames = new Set(declared.columns.map((c) => c.name));
  const missing = declared.columns.filter((c) => !have.has(c.name));
  const schemaNote = `the ${tag} schema (schemas/)`;

  for (const column of declared.columns) {
    const found = have.get(column.name);
    if (found === undefined) {
      if (declared.uniqueKey.includes(column.name)) {
        plan.refused.push({
          kind: 'keyColumnAdded',
          column: column.name,
          reason: `unique key column ${column.name} is not in ${schema}.${table}: the merge matches rows on the key, and existing rows without it would never match, so duplicates would get in`,
          todo: `add it and fill it for the existing rows yourself (ALTER TABLE ${tableSql} ADD COLUMN ${ident(column.name)} ${columnTypeSql(column, types)}; then UPDATE it), or take it out of uniqueKey in ${schemaNote}`,
          sql: [],
        });
      } else {
        plan.changes.push({
          kind: 'addColumn',
          column: column.name,
          description: `add column ${column.name} ${columnTypeSql(column, types)} (nullable: rows loaded before have no value)`,
          sql: [addColumnSql(schema, table, { ...column, nullable: true }, types)],
        });
      }
      continue;
    }

    const declaredType = columnTypeSql(column, types);
    if (isNarrowerText(found, column, declaredType)) {
      // A sized text column narrower than the bound (an older, smaller bound; string retyped as json):
      // Redshift widens a VARCHAR in place (AWS, ALTER TABLE, "ALTER COLUMN column_name TYPE").
      plan.changes.push({
        kind: 'widenColumn',
        column: column.name,
        description: `widen ${column.name} from ${found.warehouseType}(${found.maxBytes}) to ${declaredType}`,
        sql: [`ALTER TABLE ${tableSql} ALTER COLUMN ${ident(column.name)} TYPE ${declaredType}`],
      });
    } else if (
      found.type !== undefined &&
      target.evolved?.has(column.name) === true &&
      !sameType(found.type, column.type) &&
      widenColumnType(found.type, column.type) === column.type
    ) {
      plan.changes.push({
        kind: 'widenColumn',
        column: column.name,
        description: `widen evolved column ${column.name} from ${found.warehouseType} to ${types[column.type]} (stored values cast)`,
        sql: retypeSql(target, table, column.name, types[column.type]),
      });
    } else if (found.type === undefined || !sameType(found.type, column.type)) {
      const newType = declaredType;
      const sql = retypeSql(target, table, column.name, newType);
      const views = dialect === 'duckdb' ? [] : kpiViewsReading(schema, table, column.name);
      plan.refused.push({
        kind: 'typeChange',
        column: column.name,
        reason: `${column.name} is ${found.warehouseType} in ${schema}.${table} but declared ${column.type} (${newType}); converting the stored values could fail or change them`,
        todo: `to rebuild the table with its rows converted, in one transaction: ${rebuildCommand([table])}; or to convert the column in place run: ${[...views.map((v) => dropViewSql(schema, v)), ...sql].join('; ')}${views.length > 0 ? ' (the next load recreates the views)' : ''}; or declare ${column.name} as ${found.type ?? found.warehouseType} again in ${schemaNote}, or give the new type a new column name`,
        sql: [...views.map((v) => dropViewSql(schema, v)), ...sql],
      });
    }

    if (!found.nullable && column.nullable) {
      if (dialect === 'redshift') {
        const sql = rebuildColumnSql(target, table, column.name, declaredType, 'copy');
        plan.refused.push({
          kind: 'notNullKept',
          column: column.name,
          reason: `${column.name} is NOT NULL in ${schema}.${table} but declared optional, and Redshift cannot drop NOT NULL in place`,
          todo: `rebuild the column: ${sql.join('; ')}; or declare ${column.name} required again in ${schemaNote}`,
          sql,
        });
      } else {
        plan.changes.push({
          kind: 'dropNotNull',
          column: column.name,
          description: `drop NOT NULL on ${column.name} (declared optional now)`,
          sql: [`ALTER TABLE ${tableSql} ALTER COLUMN ${ident(column.name)} DROP NOT NULL`],
        });
      }
    }
  }

  for (const column of existing) {
    if (declaredNames.has(column.name)) continue;
    // A rename looks like a drop plus an add: a missing column of the same type is the likely new name.
    const renamedTo = missing.filter(
      (m) => column.type !== undefined && sameType(column.type, m.type) && !declared.uniqueKey.includes(m.name),
    );
    const rename = renamedTo.map(
      (m) =>
        `if it was renamed to ${m.name}: ALTER TABLE ${tableSql} RENAME COLUMN ${ident(column.name)} TO ${ident(m.name)}`,
    );
    plan.refused.push({
      kind: 'undeclaredColumn',
      column: column.name,
      reason: `${column.name} (${column.warehouseType}) is in ${schema}.${table} but ${schemaNote} no longer declares it: dropped or renamed`,
      todo: [
        ...rename,
        `to keep its history and load NULL into it, declare it again (optional) in ${schemaNote}`,
        `to drop it with its data: ALTER TABLE ${tableSql} DROP COLUMN ${ident(column.name)}`,
      ].join('; '),
      sql:
        renamedTo.length === 1
          ? [`ALTER TABLE ${tableSql} RENAME COLUMN ${ident(column.name)} TO ${ident(renamedTo[0]!.name)}`]
          : [],
    });
  }
  return plan;
}

/**
 * A text column whose warehouse length (Redshift's VARCHAR(n), in bytes) is below its declared byte
 * bound. A wider column than the bound (VARCHAR(1024) uuids of older tables) is left as it is: every
 * value the core stages fits it, so the difference is harmless and never a refused type change.
 */
function isNarrowerText(
  found: ExistingColumn,
  column: Pick<OutputColumn, 'type'>,
  declaredType: string,
): found is ExistingColumn & { maxBytes: number } {
  if (found.maxBytes === undefined || found.type === undefined || !sameType(found.type, column.type)) return false;
  const declared = sizedTextBytes(declaredType);
  return declared !== undefined && found.maxBytes < declared;
}

/** Nothing to apply and nothing refused: the table matches its schema. */
export function isEmptyPlan(plan: Pick<TablePlan, 'changes' | 'refused'>): boolean {
  return plan.changes.length === 0 && plan.refused.length === 0;
}

/**
 * PostgreSQL and DuckDB keep json as text, so a described column cannot tell json from string;
 * the values are text either way and load the same.
 */
export function sameType(a: ColumnType, b: ColumnType): boolean {
  const text = (t: ColumnType) => (t === 'json' ? 'string' : t);
  return text(a) === text(b);
}

function retypeSql(target: MigrationTarget, table: string, column: string, newType: string): string[] {
  if (target.dialect === 'redshift') return rebuildColumnSql(target, table, column, newType, 'cast');
  return [
    `ALTER TABLE ${qualified(target.schema, table)} ALTER COLUMN ${ident(column)} TYPE ${newType} USING CAST(${ident(column)} AS ${newType})`,
  ];
}

/** Redshift alters a column's type (beyond VARCHAR length) or nullability only by copying it into a new one. */
function rebuildColumnSql(
  target: MigrationTarget,
  table: string,
  column: string,
  newType: string,
  how: 'cast' | 'copy',
): string[] {
  const t = qualified(target.schema, table);
  const temporary = ident(`${column.slice(0, 58)}_next`);
  return [
    `ALTER TABLE ${t} ADD COLUMN ${temporary} ${newType}`,
    `UPDATE ${t} SET ${temporary} = ${how === 'cast' ? `CAST(${ident(column)} AS ${newType})` : ident(column)}`,
    `ALTER TABLE ${t} DROP COLUMN ${ident(column)}`,
    `ALTER TABLE ${t} RENAME COLUMN ${temporary} TO ${ident(column)}`,
  ];
}

/** KPI views whose SQL reads this column of this table: PostgreSQL and Redshift refuse to retype it under them. */
function kpiViewsReading(schema: string, table: string, column: string): string[] {
  return KPI_VIEWS.filter((view) => {
    if (view.needs.length > 0 && !view.needs.includes(table)) return false;
    const sql = view.sql(schema, [table]);
    return sql.includes(qualified(schema, table)) && sql.includes(ident(column));
  }).map((view) => view.name);
}

function dropViewSql(schema: string, view: string): string {
  return `DROP VIEW IF EXISTS ${qualified(schema, view)}`;
}
