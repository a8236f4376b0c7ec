/**
 * Erasure's DELETEs: one statement per table (its own transaction), identifiers quoted and the
 * pseudonym or the rows' keys as parameters. Rows are matched either by a pseudonym column, or,
 * for tables that keep raw record text, by keys the caller found by hashing each row's ids.
 */
import { ident, qualified } from './identifiers';

/** Rows whose pseudonymised columns hold the pseudonym, given as $1. */
export function deleteByPseudonymSql(schema: string, table: string, columns: readonly string[]): string {
  if (columns.length === 0) throw new Error(`no pseudonym column to erase ${table} by`);
  return `DELETE FROM ${qualified(schema, table)} WHERE ${columns.map((c) => `${ident(c)} = $1`).join(' OR ')}`;
}

/** Candidate rows of a raw-text table: those whose text names one of the fields (a pre-filter, the caller decides). */
export function rawTextCandidatesSql(
  schema: string,
  table: string,
  textColumn: string,
  keyColumns: readonly string[],
  fields: readonly string[],
): string {
  const like = fields.map((_, i) => `${ident(textColumn)} LIKE $${i + 1}`).join(' OR ');
  return `SELECT ${[...keyColumns, textColumn].map(ident).join(', ')} FROM ${qualified(schema, table)} WHERE ${like}`;
}

/**
 * The LIKE patterns rawTextCandidatesSql takes, in order: a field's quoted name anywhere in the
 * text. Field names are identifiers: an `_` matching any character only widens the pre-filter.
 */
export function rawTextPatterns(fields: readonly string[]): string[] {
  return fields.map((f) => `%"${f}"%`);
}

/** Rows by key: `rows` keys, each `keyColumns.length` values, as parameters $1... in order. */
export function deleteByKeysSql(schema: string, table: string, keyColumns: readonly string[], rows: number): string {
  let n = 0;
  const one = () => `(${keyColumns.map((c) => `${ident(c)} = $${++n}`).join(' AND ')})`;
  return `DELETE FROM ${qualified(schema, table)} WHERE ${Array.from({ length: rows }, one).join(' OR ')}`;
}
