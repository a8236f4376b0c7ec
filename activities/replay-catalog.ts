/** The schema version a replay plans with, and every replay batch checks against its worker's catalog. */
import { catalogVersionOf } from '../core/batch-id';
import type { Catalog } from '../schemas/catalog';

export function replayCatalogVersion(catalog: Catalog, tables: readonly string[] | undefined): string {
  const types =
    tables === undefined ? catalog.eventTypes : tables.map((t) => catalog.table(t)).filter((t) => t !== undefined);
  return catalogVersionOf(types);
}
