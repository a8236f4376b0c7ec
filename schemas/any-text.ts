/**
 * anyText: text that takes any JSON value, a string as it is and anything else as its JSON text
 * (`5`, `true`, `[1,2]`), bounded at MAX_TEXT_BYTES. What evolution stores in a column whose values
 * were not all strings (core/evolution/type-lattice.ts, stagedValue), so `loadout schema export`
 * declares such a column with it and the declared table keeps loading the same values.
 */
import { z } from 'zod';
import type { OutputColumn } from './column-types';
import { INVALID, type Field } from './fields';
import { fitsBytes, MAX_TEXT_BYTES, overBytesMessage, utf8Length } from './text-bounds';

const textOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function anyText(options: { as?: string } = {}): Field & { optional(): Field } {
  const fast = (v: unknown) => {
    if (v === undefined || v === null) return INVALID;
    const text = textOf(v);
    return fitsBytes(text, MAX_TEXT_BYTES) && !text.includes('\u0000') ? text : INVALID;
  };
  const schema = z.unknown().transform((v, ctx) => {
    const text = v === undefined || v === null ? undefined : textOf(v);
    const problem =
      text === undefined
        ? 'required'
        : text.includes('\u0000')
          ? 'contains a NUL character (\\u0000)'
          : fitsBytes(text, MAX_TEXT_BYTES)
            ? undefined
            : overBytesMessage('text', utf8Length(text), MAX_TEXT_BYTES);
    if (problem === undefined) return text!;
    ctx.issues.push({ code: 'custom', message: problem, input: v });
    return z.NEVER;
  });
  const columns =
    (nullable: boolean) =>
    (name: string, path: readonly string[]): OutputColumn[] => [
      { name: options.as ?? name, type: 'string', nullable, path, maxBytes: MAX_TEXT_BYTES },
    ];
  const field: Field = { schema, fast, opaque: false, columns: columns(false) };
  return {
    ...field,
    optional: () => ({
      ...field,
      schema: z.unknown().transform((v, ctx) => {
        if (v === undefined || v === null) return null;
        const result = schema.safeParse(v);
        if (result.success) return result.data;
        for (const issue of result.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, input: v });
        return z.NEVER;
      }),
      fast: (v) => (v === undefined || v === null ? null : fast(v)),
      columns: columns(true),
    }),
  };
}
