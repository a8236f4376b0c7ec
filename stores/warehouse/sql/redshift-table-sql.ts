/**
 * Redshift's physical design of a Loadout table (docs/redshift-parquet-types.md, "Physical design"):
 * - a compound sort key on the event time (`date`), so the merge's key join, KPI views and time
 *   windows read only the blocks of the loaded window instead of the whole table;
 * - DISTSTYLE AUTO: Redshift starts small tables as ALL and moves them to KEY on the primary key
 *   (or EVEN) as they grow (AWS, CREATE TABLE, "DISTSTYLE");
 * - the unique key declared as PRIMARY KEY: informational on Redshift (not enforced, used by the
 *   planner and by AUTO distribution); the merge guarantees it, deleting every staged key before
 *   inserting one deduplicated row per key, guarded by the ledger.
 */
import type { WarehouseColumn } from '../warehouse';
import { ident } from './identifiers';

/** What a CREATE TABLE adds beyond its columns (createTableSql). */
export interface TableDesign {
  primaryKey?: readonly string[];
  /** Table attributes after the column list, e.g. `DISTSTYLE AUTO COMPOUND SORTKEY ("date")`. */
  attributes?: string;
}

/** The column a table is sorted on: `date`, the event time every catalog event declares, when it is a timestamp. */
export const EVENT_TIME_COLUMN = 'date';

export function redshiftTableDesign(
  columns: readonly Pick<WarehouseColumn, 'name' | 'type'>[],
  uniqueKey: readonly string[],
): TableDesign {
  const eventTime = columns.find((c) => c.name === EVENT_TIME_COLUMN && c.type === 'timestamp');
  const sortKey = eventTime === undefined ? '' : ` COMPOUND SORTKEY (${ident(eventTime.name)})`;
  return { primaryKey: uniqueKey, attributes: `DISTSTYLE AUTO${sortKey}` };
}
