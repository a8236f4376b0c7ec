/** Values across the Redshift Data API: query parameters in (named, as text), result pages and fields out (JSON values). */
import {
  GetStatementResultCommand,
  type ColumnMetadata,
  type Field,
  type RedshiftDataClient,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { decimalValue, timestampFromText } from './result-values';

/**
 * The port's positional `$1..$n` placeholders become the Data API's named `:p1..:pn` (outside quoted
 * strings, quoted identifiers and comments); values travel as strings in `Parameters`, never in the
 * SQL text. The Data API cannot bind NULL, and refuses a parameter no statement uses.
 */
export function toDataApiParameters(
  sql: string,
  params: readonly unknown[],
): { sql: string; parameters: SqlParameter[] } {
  let out = '';
  const used = new Set<number>();
  let i = 0;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      copyUntil(Math.min(j + 1, sql.length));
    } else if (c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      copyUntil(Math.min(j + 1, sql.length));
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      copyUntil(j < 0 ? sql.length : j);
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      copyUntil(j < 0 ? sql.length : j + 2);
    } else if (c === '$' && /\d/.test(sql[i + 1] ?? '') && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!;
      const n = Number(m[1]);
      if (n < 1 || n > params.length) throw new Error(`query uses $${n} but ${params.length} parameter(s) were given`);
      used.add(n);
      out += `:p${n}`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  const parameters = params.map((value, k) => {
    if (!used.has(k + 1))
      throw new Error(`parameter $${k + 1} is not used by the query (the Data API refuses unused parameters)`);
    return { name: `p${k + 1}`, value: parameterText(value, k + 1) };
  });
  return { sql: out, parameters };
}

function parameterText(value: unknown, n: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`parameter $${n} is ${value}: not a finite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined) {
    throw new Error(`parameter $${n} is ${value}: the Redshift Data API cannot bind NULL; write IS NULL in the query`);
  }
  throw new Error(`parameter $${n}: cannot pass a ${typeof value} to Redshift`);
}

/**
 * One result field in the format every warehouse returns (result-values.ts): timestamps as ISO-8601
 * UTC text, NUMERIC as decimal text (an integer when its scale is 0), the rest as JSON values.
 */
export function fieldValue(field: Field, column: ColumnMetadata | undefined): unknown {
  if (field.isNull === true) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.stringValue !== undefined) {
    const type = column?.typeName?.toLowerCase();
    if (type === 'timestamptz' || type === 'timestamp') return timestampFromText(field.stringValue);
    if (type === 'numeric' || type === 'decimal') return decimalValue(field.stringValue);
    return field.stringValue;
  }
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  return null;
}

/** Every page of a finished statement's result set, as objects keyed by column label. */
export async function resultRows(client: RedshiftDataClient, id: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let columns: ColumnMetadata[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetStatementResultCommand({ Id: id, ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    if (page.ColumnMetadata && page.ColumnMetadata.length > 0) columns = page.ColumnMetadata;
    for (const record of page.Records ?? []) {
      const row: Record<string, unknown> = {};
      record.forEach((field, k) => {
        const column = columns[k];
        row[column?.label || column?.name || `column${k + 1}`] = fieldValue(field, column);
      });
      rows.push(row);
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return rows;
}
