/**
 * The TypeScript source of catalog fields for evolved and inferred columns (`loadout schema export`):
 * each column's lattice type as a field builder of `loadout/schemas`, every field optional (evolved
 * columns are nullable), an attribute whose column name differs from it renamed with `as`, and an
 * object's columns as a `flattenOptional`. Names from data are data: every one is a string literal
 * or a plain identifier key, never code. A shape a catalog cannot declare is refused, saying why.
 */
import type { StagedColumn } from '../../core/batch-output';
import { segmentsOf } from '../../core/attribute-path';
import { MAX_TEXT_BYTES } from '../../schemas/text-bounds';

export interface FieldSource {
  /** The attribute, as the record spells it. */
  attribute: string;
  /** The field's expression, e.g. `integer().optional()`. */
  expression: string;
  /** The builders it calls (for the import line). */
  builders: string[];
}

/** A string literal in single quotes, as the shipped event files write them. */
export function literal(text: string): string {
  const json = JSON.stringify(text).slice(1, -1);
  return `'${json.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** An object literal's key: a plain identifier when it is one, else a string literal (`__proto__` computed, so it stays a key). */
export function propertyKey(name: string): string {
  if (name === '__proto__') return `[${literal(name)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name);
}

/** One leaf field of an evolved column: its builder by lattice type; `as` when the column is not named after the attribute. */
function leafSource(column: StagedColumn, as: string | undefined): { expression: string; builders: string[] } {
  const options = as === undefined ? '' : `{ as: ${literal(as)} }`;
  const after = (first: string) => (options === '' ? first : first === '' ? options : `${first}, ${options}`);
  switch (column.type) {
    case 'boolean':
      return { expression: `boolean(${after(options === '' ? '' : 'undefined')})`, builders: ['boolean'] };
    case 'int64':
      return { expression: `integer(${after(options === '' ? '' : '{}')})`, builders: ['integer'] };
    case 'double':
      return { expression: `number(${after(options === '' ? '' : '{}')})`, builders: ['number'] };
    case 'timestamp':
      return { expression: `timestamp(${options})`, builders: ['timestamp'] };
    case 'json':
      return { expression: `jsonText(${after('z.unknown()')})`, builders: ['jsonText', 'z'] };
    case 'string':
      if (column.uuid === true) return { expression: `uuid(${options})`, builders: ['uuid'] };
      if (column.mixed === true) return { expression: `anyText(${options})`, builders: ['anyText'] };
      // Inferred text is bounded only by the widest text column (docs/schemas.md, "Exporting a schema").
      return { expression: `string(${after(`{ min: 0, max: ${MAX_TEXT_BYTES} }`)})`, builders: ['string'] };
    default:
      throw new Error(`column ${column.name} is ${column.type}, which evolution never infers`);
  }
}

/**
 * The fields of `columns` (evolved columns, each with its attribute path), in column order, an
 * object's at its first column. `prefix`: what a flattened object's column names start with.
 */
export function fieldSources(columns: readonly StagedColumn[]): FieldSource[] {
  const top = new Map<string, { column: StagedColumn } | { children: { child: string; column: StagedColumn }[] }>();
  for (const column of columns) {
    if (column.attribute === undefined) throw new Error(`column ${column.name} has no attribute path recorded`);
    const segments = segmentsOf(column.attribute);
    const [name, child] = segments;
    if (segments.length > 2 || name === undefined)
      throw new Error(`column ${column.name} holds ${column.attribute}, deeper than a catalog flattens`);
    // A field reads record[name]: a record without it would give the inherited property instead.
    for (const segment of segments)
      if (segment in Object.prototype)
        throw new Error(
          `attribute ${column.attribute} is named like a JavaScript object property (${JSON.stringify(segment)}), which a catalog field cannot read reliably; keep the table inferred or rename the attribute at the source`,
        );
    const seen = top.get(name);
    if (child === undefined) {
      if (seen !== undefined) throw conflict(name);
      top.set(name, { column });
    } else if (seen === undefined) top.set(name, { children: [{ child, column }] });
    else if ('children' in seen) seen.children.push({ child, column });
    else throw conflict(name);
  }
  return [...top.entries()].map(([attribute, entry]) => {
    if ('column' in entry) {
      const leaf = leafSource(entry.column, entry.column.name === attribute ? undefined : entry.column.name);
      return { attribute, expression: `${leaf.expression}.optional()`, builders: leaf.builders };
    }
    const builders = new Set(['flattenOptional']);
    const children = entry.children.map(({ child, column }) => {
      // flatten names a child's column `${attribute}_${its name}`: the attribute must be that prefix.
      if (!column.name.startsWith(`${attribute}_`))
        throw new Error(
          `column ${column.name} holds ${column.attribute}, but a flattened object's columns start with its own name: declare it by hand (jsonText)`,
        );
      const rest = column.name.slice(attribute.length + 1);
      const leaf = leafSource(column, rest === child ? undefined : rest);
      leaf.builders.forEach((b) => builders.add(b));
      return `${propertyKey(child)}: ${leaf.expression}.optional()`;
    });
    return { attribute, expression: `flattenOptional({ ${children.join(', ')} })`, builders: [...builders] };
  });
}

function conflict(name: string): Error {
  return new Error(
    `attribute ${JSON.stringify(name)} is an object in some records and a value in others: no catalog field declares both; declare it by hand (jsonText)`,
  );
}
