/**
 * `loadout migrate --rebuild TABLE --apply`: the statements that rebuild a table whose column types
 * changed (purchase.amount DOUBLE to DECIMAL(18,4)), with its rows converted, run as ONE
 * transaction: drop the KPI views over it, create the new table, insert-select with CAST, drop the
 * old table, rename the new one into its place, and create the views and the key index again.
 * Readers see the old table or the new one, never neither. Redshift runs CREATE, DROP and
 * ALTER TABLE ... RENAME TO in a transaction block (AWS, "ALTER TABLE": only external tables are
 * refused inside BEGIN ... END, and the table stays locked until the enclosing transaction ends).
 *
 * Pure: no I/O. Only a plan whose refusals are all type changes can be rebuilt this way: a
 * dropped column or a new key column needs a person's decision, which a rebuild would take for them.
 */
import type { EventType } from '../../schemas/define-event';
import type { OutputColumn } from '../../schemas/column-types';
import type { MigrationTarget, TablePlan } from './plan-migration';
import { ident, qualified } from './sql/identifiers';
import { KPI_VIEWS, createKpiViewSql } from './sql/kpi-sql';
import { createKeyIndexSql, createTableSql } from './sql/merge-sql';
import type { ExistingColumn } from './warehouse';

export type Rebuild = { statements: string[]; description: string } | { refused: string };

type Declared = Pick<EventType, 'table' | 'uniqueKey'> & {
  columns: readonly (Pick<OutputColumn, 'name' | 'type' | 'nullable'> & { maxBytes?: number })[];
};

/** The command that rebuilds `tables`, as plan and refusal messages name it. */
export function rebuildCommand(tables: readonly string[]): string {
  return `loadout migrate --rebuild ${tables.join(',')} --apply`;
}

export function rebuildTableStatements(
  declared: Declared,
  existing: readonly ExistingColumn[],
  plan: Pick<TablePlan, 'refused'>,
  target: MigrationTarget,
  existingTables: readonly string[],
): Rebuild {
  const other = plan.refused.filter((r) => r.kind !== 'typeChange');
  if (other.length > 0) {
    return {
      refused: `${declared.table} is not rebuilt: ${other.map((r) => `${r.column}: ${r.reason}`).join('; ')}; a rebuild only converts column types`,
    };
  }
  const { schema, types } = target;
  const table = declared.table;
  const next = `${table.slice(0, 55)}_rebuild`;
  const have = new Map(existing.map((c) => [c.name, c]));
  // A column the table lacks arrives empty, so it is nullable, as an added column is.
  const columns = declared.columns.map((c) => ({ ...c, nullable: c.nullable || !have.has(c.name) }));
  const values = columns.map((c) => {
    const old = have.get(c.name);
    if (old === undefined) return `CAST(NULL AS ${types[c.type]})`;
    const retyped = plan.refused.some((r) => r.column === c.name);
    return retyped ? `CAST(${ident(c.name)} AS ${types[c.type]})` : ident(c.name);
  });
  const views = KPI_VIEWS.filter((v) => v.needs.length === 0 || v.needs.includes(table)).filter((v) =>
    v.sql(schema, existingTables).includes(qualified(schema, table)),
  );
  const recreate = views.flatMap((v) => createKpiViewSql(schema, v, existingTables) ?? []);
  const statements = [
    ...views.map((v) => `DROP VIEW IF EXISTS ${qualified(schema, v.name)}`),
    `DROP TABLE IF EXISTS ${qualified(schema, next)}`,
    createTableSql(schema, next, columns, types),
    `INSERT INTO ${qualified(schema, next)} (${columns.map((c) => ident(c.name)).join(', ')}) SELECT ${values.join(', ')} FROM ${qualified(schema, table)}`,
    `DROP TABLE ${qualified(schema, table)}`,
    `ALTER TABLE ${qualified(schema, next)} RENAME TO ${ident(table)}`,
    ...(target.dialect === 'postgres' ? [createKeyIndexSql(schema, table, declared.uniqueKey)] : []),
    ...recreate,
  ];
  const retyped = plan.refused.map((r) => r.column);
  return {
    statements,
    description: `rebuild ${schema}.${table} with ${retyped.join(', ')} converted (${retyped.map((c) => types[columns.find((d) => d.name === c)!.type]).join(', ')}), its rows kept, in one transaction`,
  };
}
