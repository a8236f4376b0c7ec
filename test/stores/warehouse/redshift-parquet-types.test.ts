/**
 * Every column the core stages reaches Redshift only through a Parquet -> Redshift pair AWS documents
 * (stores/warehouse/redshift-parquet-types.ts): the footer of every staged file for the shipped
 * catalog, and the Parquet schema of every Loadout column type, against the staging table's types.
 */
import { readFileSync } from 'node:fs';
import { parquetMetadata, type SchemaElement } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { parquetSchemaOf } from '../../../core/parquet/parquet-schema';
import { COLUMNS_METADATA_KEY } from '../../../core/parquet-stage-writer';
import { COLUMN_TYPES } from '../../../schemas/column-types';
import { REDSHIFT_STAGING_TYPES, REDSHIFT_TYPES } from '../../../stores/warehouse/redshift-warehouse';
import {
  AWS,
  documentedRow,
  isDocumentedStaging,
  parquetAnnotation,
  REDSHIFT_PARQUET_TYPES,
} from '../../../stores/warehouse/redshift-parquet-types';
import { columnTypeSql } from '../../../stores/warehouse/sql/column-type-sql';
import type { WarehouseColumn } from '../../../stores/warehouse/warehouse';
import { batchProcessorRunner } from '../../helpers/batch-processor-runner';
import { VALID } from '../../helpers/catalog-samples';

const runner = batchProcessorRunner('redshift-parquet-types-');

interface StagedColumn {
  file: string;
  column: WarehouseColumn;
  element: SchemaElement;
}

/** Each column of a staged file: the footer's Parquet element and the Loadout column the writer recorded. */
function stagedColumns(path: string): StagedColumn[] {
  const bytes = readFileSync(path);
  const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const recorded = metadata.key_value_metadata?.find((kv) => kv.key === COLUMNS_METADATA_KEY)?.value;
  const columns = JSON.parse(recorded!) as WarehouseColumn[];
  const elements = metadata.schema.slice(1);
  expect(elements.map((e) => e.name)).toEqual(columns.map((c) => c.name));
  return columns.map((column, i) => ({ file: path, column, element: elements[i]! }));
}

function describeMismatch({ column, element }: Pick<StagedColumn, 'column' | 'element'>): string {
  const staging = columnTypeSql(column, REDSHIFT_STAGING_TYPES);
  return `${column.name} (${column.type}): Parquet ${element.type} ${parquetAnnotation(element)} staged as ${staging}`;
}

describe('the Parquet -> Redshift COPY type table', () => {
  it('cites an AWS page for every row', () => {
    for (const row of REDSHIFT_PARQUET_TYPES) {
      expect(
        row.sources.some((s) => s.url.startsWith('https://docs.aws.amazon.com/redshift/')),
        row.annotation,
      ).toBe(true);
    }
    expect(REDSHIFT_PARQUET_TYPES.some((r) => r.redshift.includes('TIMESTAMPTZ' as never))).toBe(false);
    expect(AWS.copyColumnar).toMatch(/copy-usage_notes-copy-from-columnar/);
  });

  it('every column of every file the core stages for the shipped catalog has a documented row and is staged as it says', async () => {
    const lines = Object.values(VALID).map((record) => JSON.stringify(record));
    const output = await runner.run([['raw/every-type.json', lines.join('\n')]]);
    const files = [...output.tables.map((t) => t.path), output.personalData!.path];
    expect(output.tables.map((t) => t.table).sort()).toEqual(runner.catalog.tables.slice().sort());
    const columns = files.flatMap(stagedColumns);
    const undocumented = columns.filter(
      (c) => !isDocumentedStaging(c.element, columnTypeSql(c.column, REDSHIFT_STAGING_TYPES)),
    );
    expect(undocumented.map(describeMismatch)).toEqual([]);
    // Each text column is staged at its own byte bound, never wider than a target column can hold.
    for (const { column } of columns.filter((c) => c.column.type === 'string' || c.column.type === 'json')) {
      expect(column.maxBytes, column.name).toBeGreaterThan(0);
      expect(columnTypeSql(column, REDSHIFT_STAGING_TYPES)).toBe(`VARCHAR(${column.maxBytes})`);
    }
  });

  it('every Loadout column type is written as a documented Parquet type and staged as its row says', () => {
    // Data-driven: a column type added to COLUMN_TYPES without a documented row (or staged otherwise) fails here.
    for (const type of COLUMN_TYPES) {
      const column = { name: 'c', type, nullable: true, path: ['c'], maxBytes: 36 };
      const element = parquetSchemaOf([column])[1]!;
      expect(documentedRow(element), `${type}: Parquet ${element.type} ${parquetAnnotation(element)}`).toBeDefined();
      expect(
        isDocumentedStaging(element, columnTypeSql(column, REDSHIFT_STAGING_TYPES)),
        describeMismatch({ column, element }),
      ).toBe(true);
    }
  });

  it('refuses what AWS does not document: timestamps staged as TIMESTAMPTZ, an INT96 timestamp, an unsized or oversized VARCHAR', () => {
    const timestamp = parquetSchemaOf([{ name: 'date', type: 'timestamp', nullable: false, path: ['date'] }])[1]!;
    expect(REDSHIFT_TYPES.timestamp).toBe('TIMESTAMPTZ');
    expect(isDocumentedStaging(timestamp, REDSHIFT_TYPES.timestamp)).toBe(false);
    expect(isDocumentedStaging(timestamp, REDSHIFT_STAGING_TYPES.timestamp)).toBe(true);
    expect(documentedRow({ name: 't', type: 'INT96' })).toBeUndefined();
    const text = parquetSchemaOf([{ name: 's', type: 'string', nullable: true, path: ['s'] }])[1]!;
    expect(isDocumentedStaging(text, 'VARCHAR')).toBe(false);
    expect(isDocumentedStaging(text, 'VARCHAR(65536)')).toBe(false);
    expect(isDocumentedStaging(text, 'VARCHAR(65535)')).toBe(true);
    const decimal: SchemaElement = { name: 'd', type: 'INT64', converted_type: 'DECIMAL', precision: 18, scale: 4 };
    expect(isDocumentedStaging(decimal, 'DECIMAL(18,4)')).toBe(true);
    expect(isDocumentedStaging(decimal, 'DECIMAL(18,2)')).toBe(false);
  });
});
