/**
 * One small corpus of catalog rows, staged as Parquet and loaded into any warehouse through its own
 * merge, then the KPI views: for tests that compare what the warehouses answer for the same data.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputColumn } from '../../schemas/column-types';
import type { EventType } from '../../schemas/define-event';
import { planTableMigration } from '../../stores/warehouse/plan-migration';
import { createKpiViewSql, KPI_VIEWS } from '../../stores/warehouse/sql/kpi-sql';
import type { Warehouse } from '../../stores/warehouse/warehouse';
import { ParquetTableWriter } from './parquet-fixture-writer';

const BASE_MICROS = Date.parse('2026-10-13T22:00:00Z') * 1000;

/** Row i's value of a column: deterministic, joinable (psess, player_id), exact in binary (doubles). */
function valueOf(column: OutputColumn, i: number): unknown {
  if (column.nullable && i % 4 === 3) return null;
  switch (column.name) {
    case 'id':
      return `${column.name}-${String(i).padStart(3, '0')}`;
    case 'psess':
      return `psess-${i % 7}`;
    case 'player_id':
      return `player-${i % 5}`;
    case 'currency':
      return ['EUR', 'USD', 'GBP'][i % 3];
    case 'platform':
      return ['pc', 'ps5'][i % 2];
  }
  switch (column.type) {
    case 'string':
      return `${column.name}-${i % 3}`;
    case 'json':
      return JSON.stringify({ n: i % 3, s: 'é' });
    case 'int64':
      return i * 3;
    case 'double':
      return (i % 9) * 1.25;
    case 'decimal':
      // Units of 0.0001: 12.3456, 24.6912, ... with cents and sub-cent digits, summed exactly.
      return (i + 1) * 123_456;
    case 'boolean':
      return i % 2 === 0;
    case 'timestamp':
      // Across two UTC days and many hours, with microseconds.
      return BASE_MICROS + i * 47 * 60_000_000 + 123_456;
    default:
      throw new Error(`warehouse-corpus: no sample for ${column.name} of type ${String(column.type)}`);
  }
}

/** Creates and loads `rows` rows of each type into `schema`, then the KPI views over them. */
export async function loadCorpus(
  warehouse: Warehouse,
  types: readonly EventType[],
  options: { schema: string; dir: string; rows: number },
): Promise<void> {
  const { schema, dir, rows } = options;
  await warehouse.ensureLedger(schema);
  for (const type of types) {
    const plan = planTableMigration(type, await warehouse.describeTable(schema, type.table), {
      schema,
      dialect: warehouse.dialect,
      types: warehouse.types,
    });
    await warehouse.runDdl(plan.changes.flatMap((c) => c.sql));
    const path = join(dir, `${warehouse.dialect}-${type.table}.parquet`);
    const writer = new ParquetTableWriter(path, type.columns);
    const all = Array.from({ length: rows }, (_, i) => i);
    writer.writeRowGroup(
      type.columns.map((c) => all.map((i) => valueOf(c, i))),
      rows,
    );
    writer.close();
    const columns = type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));
    const manifestKey = `manifests/${type.table}/${type.fingerprint}-corpus.json`;
    await warehouse.merge({
      schema,
      table: type.table,
      targetColumns: columns,
      fileColumns: columns,
      fingerprint: type.fingerprint,
      uniqueKey: type.uniqueKey,
      files: [{ url: path, key: `staged/${type.table}/corpus.parquet`, bytes: statSync(path).size }],
      manifestKey,
      manifestUrl: `file://${dir}/${manifestKey}`,
    });
  }
  const tables = types.map((t) => t.table);
  for (const view of KPI_VIEWS) {
    const sql = createKpiViewSql(schema, view, tables);
    if (sql !== undefined) await warehouse.runDdl([sql]);
  }
}
