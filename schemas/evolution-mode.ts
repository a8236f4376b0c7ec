/** The evolution setting: what becomes of attributes and event types the catalog does not declare. */

/**
 * `strict`: undeclared attributes are drift, left out of the rows, and unknown event types are kept
 * in `unknown/`; `evolve`: undeclared attributes of declared types become nullable columns;
 * `infer`: `evolve`, and unknown event types get tables of their own (docs/schemas.md).
 */
export type EvolutionMode = 'strict' | 'evolve' | 'infer';

export const EVOLUTION_MODES: readonly EvolutionMode[] = ['strict', 'evolve', 'infer'];

export function isEvolutionMode(value: unknown): value is EvolutionMode {
  return typeof value === 'string' && (EVOLUTION_MODES as readonly string[]).includes(value);
}
