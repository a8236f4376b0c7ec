/**
 * flattenOptional: `flatten` for an object a record may leave out (absent or null): every column of
 * its children is then NULL. What `loadout schema export` writes for an inferred table's object
 * attributes, whose columns are all nullable; the children must be optional fields themselves.
 */
import { flatten, INVALID, type Field } from './fields';

export function flattenOptional(children: Record<string, Field>): Field {
  const object = flatten(children);
  const absent = () => {
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(children)) out[name] = field.fast(undefined);
    return out;
  };
  for (const [name, value] of Object.entries(absent()))
    if (value === INVALID) throw new Error(`flattenOptional: child ${name} must be optional`);
  return {
    ...object,
    schema: object.schema.nullish().transform((v) => v ?? absent()),
    fast: (v) => (v === undefined || v === null ? absent() : object.fast(v)),
    columns: (name, path) => object.columns(name, path).map((c) => ({ ...c, nullable: true })),
  };
}
