/**
 * A declared event file with its evolved columns added (`loadout schema export <declared event>`):
 * the file's own source, each new attribute inserted as an optional field at the end of its literal
 * `fields: { ... }` and its builders added to the `loadout/schemas` import. A file that does not
 * spell its fields that way, or an attribute new inside a declared object, is refused, saying what
 * to add by hand.
 */
import type { StagedColumn } from '../../core/batch-output';
import { segmentsOf } from '../../core/attribute-path';
import type { EventType } from '../../schemas/define-event';
import { fieldSources, propertyKey, type FieldSource } from './field-source';

const IMPORT = /import\s*\{([^}]*)\}\s*from\s*'loadout\/schemas';/;

export function declaredFileSource(source: string, type: EventType, evolved: readonly StagedColumn[]): string {
  for (const column of evolved) {
    const [parent] = segmentsOf(column.attribute ?? '');
    const entry = parent === undefined ? undefined : type.declared.get(parent);
    if (entry !== undefined && entry !== null && entry !== true)
      throw new Error(
        `${column.attribute} is new inside ${parent}, which the ${type.tag} schema declares as an object: add it to that object's fields by hand (column ${column.name}, ${column.type}, optional)`,
      );
  }
  const fields = fieldSources(evolved);
  const lines = fields.map((f) => `${propertyKey(f.attribute)}: ${f.expression},`);
  const withFields = insertFields(source, lines);
  if (withFields === undefined)
    throw new Error(handWritten(type, lines, 'its fields are not a literal `fields: { ... }`'));
  const withImports = addImports(withFields, fields);
  if (withImports === undefined)
    throw new Error(handWritten(type, lines, "it has no `import { ... } from 'loadout/schemas'`"));
  return withImports;
}

function handWritten(type: EventType, lines: string[], why: string): string {
  return `cannot add the evolved columns to the ${type.tag} file: ${why}; add these fields by hand: ${lines.join(' ')}`;
}

/** The source with `lines` at the end of its `fields: {...}` object, indented as its last field; undefined when not found. */
function insertFields(source: string, lines: string[]): string | undefined {
  const start = /\bfields\s*:\s*\{/.exec(source);
  if (start === null) return undefined;
  const open = start.index + start[0].length - 1;
  const close = matchingBrace(source, open);
  if (close === undefined) return undefined;
  const body = source.slice(open + 1, close);
  const trimmed = body.trimEnd();
  if (!trimmed.includes('\n')) {
    // One line: `fields: { a: uuid(), b: timestamp() }`.
    const comma = trimmed.trim() === '' || trimmed.endsWith(',') ? '' : ',';
    return `${source.slice(0, open + 1)}${trimmed}${comma} ${lines.join(' ').replace(/,$/, '')} ${source.slice(close)}`;
  }
  const indent = /\n([ \t]*)\S[^\n]*$/.exec(trimmed)?.[1] ?? '    ';
  const comma = trimmed.endsWith(',') || trimmed.endsWith('{') ? '' : ',';
  const added = lines.map((l) => `\n${indent}${l}`).join('');
  return `${source.slice(0, open + 1)}${trimmed}${comma}${added}${body.slice(trimmed.length)}${source.slice(close)}`;
}

/** Where the brace at `open` closes, skipping strings, template literals and comments. */
function matchingBrace(source: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i) < 0 ? source.length : source.indexOf('\n', i);
    else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return undefined;
}

function addImports(source: string, fields: readonly FieldSource[]): string | undefined {
  const found = IMPORT.exec(source);
  if (found === null) return undefined;
  const have = found[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  // `z` may come from zod itself in a studio's file.
  const fromZod = /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'/.test(source);
  const names = new Set(have);
  for (const b of fields.flatMap((f) => f.builders)) if (!(b === 'z' && fromZod)) names.add(b);
  if (names.size === have.length) return source;
  const list = [...names].sort((a, b) => (a === 'z' ? 1 : b === 'z' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return `${source.slice(0, found.index)}import { ${list.join(', ')} } from 'loadout/schemas';${source.slice(found.index + found[0].length)}`;
}
