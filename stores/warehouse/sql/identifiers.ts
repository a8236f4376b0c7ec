/** Identifiers and literals for generated SQL: validated, then quoted; never event data. */
import { IDENTIFIER } from '../../../schemas/column-types';

/** A double-quoted identifier; refuses anything but lower-case letters, digits and _. */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing SQL identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/**
 * Object keys, URLs and IAM role ARNs the pipeline derived itself, for statements that cannot take
 * parameters (Redshift's BatchExecuteStatement, COPY). Anything outside a narrow alphabet is refused.
 */
const SAFE_LITERAL = /^[A-Za-z0-9_\-./:=@+,]{1,1024}$/;

export function literal(value: string): string {
  if (!SAFE_LITERAL.test(value)) throw new Error(`refusing SQL literal ${JSON.stringify(value.slice(0, 80))}`);
  return `'${value}'`;
}
