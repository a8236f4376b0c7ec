/**
 * purchase.amount end to end as an exact decimal: raw lines with float artifacts, half-even ties
 * and exponent forms, staged by both lanes of the core (byte-identical Parquet DECIMAL(18,4)), read
 * back by DuckDB and hyparquet, loaded into DuckDB and a real PostgreSQL (binary and CSV COPY), and
 * the bookings KPI equal to the last digit on both.
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { describe, expect, test, vi } from 'vitest';
import { BatchProcessor, type BatchOutput } from '../../../core/batch-processor';
import { FlatRecordReader } from '../../../core/flat-record-reader';
import { fingerprintColumns } from '../../../schemas/fingerprint';
import { DuckDbWarehouse } from '../../../stores/warehouse/duckdb-warehouse';
import { PostgresWarehouse } from '../../../stores/warehouse/postgres-warehouse';
import { KPI_VIEWS, createKpiViewSql } from '../../../stores/warehouse/sql/kpi-sql';
import { createTableSql } from '../../../stores/warehouse/sql/merge-sql';
import { stagedRowGroups } from '../../../stores/warehouse/staged-parquet-reader';
import type { MergePlan, Warehouse } from '../../../stores/warehouse/warehouse';
import { TEST_PERSONAL_KEYS } from '../../helpers/personal-keys';
import { catalog, dir, server, usePostgresWarehouse, uuid } from '../../helpers/postgres-warehouse-fixture';

usePostgresWarehouse();

/** Amount token as written in the raw line -> the stored decimal text (4 digits, rounded half-even). */
const AMOUNTS: [string, string][] = [
  ['19.990000000000002', '19.9900'],
  ['4.99', '4.9900'],
  ['12.34565', '12.3456'],
  ['12.34575', '12.3458'],
  ['12.345651', '12.3457'],
  ['0.00005', '0.0000'],
  ['0.00015', '0.0002'],
  ['0.99995', '1.0000'],
  ['1e2', '100.0000'],
  ['1.5E+3', '1500.0000'],
  ['250e-2', '2.5000'],
  ['1000000', '1000000.0000'],
  ['1000000.0', '1000000.0000'],
  ['0', '0.0000'],
  ['0.30000000000000004', '0.3000'],
  ['0.1000000000000000055511151231257827', '0.1000'],
];
/** Refused: negative, over the maximum (even by less than a unit), not a number. */
const REJECTED = ['-0.01', '-0.00005', '1000000.00001', '1e7', '"5"'];

function rawLines(): string {
  const line = (n: number, amount: string, currency: string) =>
    `{"event":"purchase","id":"${uuid(n)}","date":"2026-11-22T10:0${n % 10}:00Z","psess":"${uuid(900)}","player_id":"p${n}","sku":"gold","amount":${amount},"currency":"${currency}"}`;
  return [
    ...AMOUNTS.map(([amount], n) => line(n + 1, amount, n % 2 === 0 ? 'EUR' : 'USD')),
    ...REJECTED.map((amount, n) => line(100 + n, amount, 'EUR')),
  ].join('\n');
}

async function stageBoth(): Promise<{ fast: BatchOutput; slow: BatchOutput; fastReads: number }> {
  const file = join(dir, 'purchases.jsonl');
  writeFileSync(file, `${rawLines()}\n`);
  const run = async (fastLane: boolean) => {
    const processor = new BatchProcessor({
      catalog,
      workDir: join(dir, fastLane ? 'fast' : 'slow'),
      fastLane,
      personal: TEST_PERSONAL_KEYS,
    });
    await processor.processObject('purchases.jsonl', createReadStream(file), undefined, '2026-11-22T00:00:00.000Z');
    return processor.finish();
  };
  const reads = vi.spyOn(FlatRecordReader.prototype, 'read');
  const fast = await run(true);
  const fastReads = reads.mock.results.filter((r) => r.value === true).length;
  reads.mockRestore();
  return { fast, slow: await run(false), fastReads };
}

function planOf(schema: string, path: string): MergePlan {
  const type = catalog.table('purchase')!;
  const columns = type.columns.map(({ name, type: t, nullable }) => ({ name, type: t, nullable }));
  return {
    schema,
    table: 'purchase',
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: fingerprintColumns(type.columns),
    uniqueKey: type.uniqueKey,
    files: [{ url: path, key: 'staged/purchase/decimals.parquet', bytes: statSync(path).size }],
    manifestKey: `manifests/purchase/${schema}.json`,
    manifestUrl: `file://${dir}/manifests/purchase/${schema}.json`,
  };
}

async function loadAndReport(warehouse: Warehouse, schema: string, path: string) {
  await warehouse.ensureLedger(schema);
  const plan = planOf(schema, path);
  await warehouse.runDdl([createTableSql(schema, 'purchase', plan.targetColumns, warehouse.types)]);
  await warehouse.merge(plan);
  const view = KPI_VIEWS.find((v) => v.name === 'kpi_bookings_per_hour')!;
  await warehouse.runDdl([createKpiViewSql(schema, view, ['purchase'])!]);
  const amounts = await warehouse.query(
    `SELECT "id", CAST("amount" AS VARCHAR(48)) AS "amount" FROM "${schema}"."purchase" ORDER BY "id"`,
  );
  const bookings = await warehouse.query(
    `SELECT CAST("hour" AS VARCHAR(32)) AS "hour", "currency", CAST("bookings" AS VARCHAR(48)) AS "bookings", "purchases" FROM "${schema}"."kpi_bookings_per_hour" ORDER BY 1, 2`,
  );
  return { amounts, bookings };
}

describe('purchase.amount as an exact decimal', () => {
  test('both lanes stage the same DECIMAL(18,4) Parquet, read back exactly by DuckDB, hyparquet, and both loaders', async () => {
    const { fast, slow, fastReads } = await stageBoth();
    expect(fastReads).toBeGreaterThanOrEqual(AMOUNTS.length - 2);
    expect(fast.stats).toEqual(slow.stats);
    expect(fast.stats.rejected).toBe(REJECTED.length);
    const [fastFile, slowFile] = [fast.tables[0]!.path, slow.tables[0]!.path];
    expect(statSync(fastFile).size).toBe(statSync(slowFile).size);
    expect(Buffer.compare(Buffer.from(await readBytes(fastFile)), Buffer.from(await readBytes(slowFile)))).toBe(0);

    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(fastFile));
    expect(metadata.schema.find((e) => e.name === 'amount')).toMatchObject({
      type: 'INT64',
      converted_type: 'DECIMAL',
      precision: 18,
      scale: 4,
      logical_type: { type: 'DECIMAL', precision: 18, scale: 4 },
    });
    const units: unknown[] = [];
    for await (const group of stagedRowGroups(planOf('loadout', fastFile), false)) {
      const column = planOf('loadout', fastFile).fileColumns.findIndex((c) => c.name === 'amount');
      units.push(...Array.from(group.columns[column]!));
    }
    const expectedUnits = AMOUNTS.map(([, text]) => BigInt(text.replace('.', '')));
    expect(units.map((u) => BigInt(u as bigint)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(
      [...expectedUnits].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );

    const duck = new DuckDbWarehouse(':memory:');
    const onDuck = await loadAndReport(duck, 'loadout', fastFile);
    const typeRows = await duck.query(`SELECT typeof("amount") AS t FROM read_parquet('${fastFile}') LIMIT 1`);
    expect(typeRows).toEqual([{ t: 'DECIMAL(18,4)' }]);
    await duck.close();
    const expectedAmounts = AMOUNTS.map(([, text], n) => ({ id: uuid(n + 1), amount: text }));
    expect(onDuck.amounts).toEqual(expectedAmounts);

    for (const copyFormat of ['binary', 'csv'] as const) {
      const pg = new PostgresWarehouse(server.url, { copyFormat });
      const onPostgres = await loadAndReport(pg, `decimals_${copyFormat}`, fastFile);
      await pg.close();
      expect(onPostgres.amounts, copyFormat).toEqual(expectedAmounts);
      expect(
        onPostgres.bookings.map((r) => [r.currency, r.bookings, r.purchases]),
        copyFormat,
      ).toEqual(onDuck.bookings.map((r) => [r.currency, r.bookings, r.purchases]));
    }
    // The sums themselves, exact: per currency, the stored decimals added as integers of 0.0001.
    const total = (currency: string) =>
      AMOUNTS.filter((_, n) => (n % 2 === 0 ? 'EUR' : 'USD') === currency).reduce(
        (sum, [, text]) => sum + BigInt(text.replace('.', '')),
        0n,
      );
    const sums = new Map<string, bigint>();
    for (const r of onDuck.bookings)
      sums.set(String(r.currency), (sums.get(String(r.currency)) ?? 0n) + BigInt(String(r.bookings).replace('.', '')));
    expect(sums).toEqual(
      new Map([
        ['EUR', total('EUR')],
        ['USD', total('USD')],
      ]),
    );
  });
});

async function readBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path);
}
