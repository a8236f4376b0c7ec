/** Where a loaded catalog came from, so a worker thread can load the same one (workers/batch-threads/). */
import type { Catalog } from './catalog';
import type { EvolutionMode } from './evolution-mode';

export interface CatalogSource {
  /** The directory of event files loadCatalog read. */
  dir: string;
  evolution: EvolutionMode;
}

const sources = new WeakMap<Catalog, CatalogSource>();

export function recordCatalogSource(catalog: Catalog, source: CatalogSource): Catalog {
  sources.set(catalog, source);
  return catalog;
}

/** Undefined for a catalog built in code (tests, schema changes): no thread can load it by itself. */
export function catalogSourceOf(catalog: Catalog): CatalogSource | undefined {
  return sources.get(catalog);
}
