/**
 * The Parquet -> Redshift column types COPY may stage through: only pairs AWS documents, each with
 * its sources (docs/redshift-parquet-types.md explains every row). COPY from Parquet reads the file
 * through Redshift Spectrum and matches columns by position, failing the whole COPY on the first
 * column whose type it cannot read, so the staging table (REDSHIFT_STAGING_TYPES) declares for
 * every staged column the Redshift type of its row here; test/stores/warehouse/redshift-parquet-types.test.ts
 * checks every column of every file the core stages, and every Loadout column type, against it.
 */
import type { SchemaElement } from 'hyparquet';

/** AWS pages the rows cite. */
export const AWS = {
  copyColumnar: 'https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html',
  createExternalTable: 'https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_EXTERNAL_TABLE.html',
  icebergTypes: 'https://docs.aws.amazon.com/redshift/latest/dg/querying-iceberg-supported-data-types.html',
  characterTypes: 'https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html',
} as const;

/** How the Iceberg types of AWS's Iceberg table are stored in Parquet (the bridge from its rows to Parquet). */
export const ICEBERG_PARQUET = 'https://iceberg.apache.org/spec/#parquet';

export interface RedshiftParquetType {
  /** Parquet physical type. */
  physical: string;
  /** The annotation, as parquetAnnotation() names it: 'none', 'STRING', 'INT(64, signed)', 'DECIMAL', 'TIMESTAMP(...)'. */
  annotation: string;
  /** The Redshift column type; `(n)` any length 1-65535 in bytes, `(p,s)` the file's precision and scale. */
  redshift: 'BOOLEAN' | 'BIGINT' | 'DOUBLE PRECISION' | 'VARCHAR(n)' | 'TIMESTAMP' | 'DECIMAL(p,s)';
  /** The pages that document the pair, with what each says of it. */
  sources: readonly { url: string; says: string }[];
}

const SPECTRUM = {
  url: AWS.copyColumnar,
  says: 'COPY from the Parquet and ORC file formats uses Redshift Spectrum; columns load by position',
};
const EXTERNAL_TYPES = (type: string) => ({
  url: AWS.createExternalTable,
  says: `${type} is a data type Redshift Spectrum reads from Parquet (TIMESTAMPTZ is not in its list)`,
});
const ICEBERG = (iceberg: string, redshift: string, parquet: string) => ({
  url: AWS.icebergTypes,
  says: `Iceberg ${iceberg} (stored in Parquet as ${parquet}, ${ICEBERG_PARQUET}) is read as Redshift ${redshift}`,
});

export const REDSHIFT_PARQUET_TYPES: readonly RedshiftParquetType[] = [
  {
    physical: 'BOOLEAN',
    annotation: 'none',
    redshift: 'BOOLEAN',
    sources: [SPECTRUM, EXTERNAL_TYPES('BOOLEAN'), ICEBERG('boolean', 'boolean', 'boolean')],
  },
  {
    physical: 'INT64',
    annotation: 'none',
    redshift: 'BIGINT',
    sources: [SPECTRUM, EXTERNAL_TYPES('BIGINT'), ICEBERG('long', 'bigint', 'int64')],
  },
  {
    physical: 'INT64',
    annotation: 'INT(64, signed)',
    redshift: 'BIGINT',
    sources: [SPECTRUM, EXTERNAL_TYPES('BIGINT'), ICEBERG('long', 'bigint', 'int64, INT(64, signed)')],
  },
  {
    physical: 'DOUBLE',
    annotation: 'none',
    redshift: 'DOUBLE PRECISION',
    sources: [SPECTRUM, EXTERNAL_TYPES('DOUBLE PRECISION'), ICEBERG('double', 'double precision', 'double')],
  },
  {
    physical: 'BYTE_ARRAY',
    annotation: 'STRING',
    redshift: 'VARCHAR(n)',
    sources: [
      SPECTRUM,
      EXTERNAL_TYPES('VARCHAR'),
      ICEBERG('string', 'VARCHAR', 'binary, STRING (UTF8)'),
      { url: AWS.characterTypes, says: 'VARCHAR(n) counts bytes, at most 65535; a longer value is an error' },
    ],
  },
  {
    physical: 'INT64',
    annotation: 'TIMESTAMP(isAdjustedToUTC=false, MICROS)',
    redshift: 'TIMESTAMP',
    sources: [
      SPECTRUM,
      EXTERNAL_TYPES('TIMESTAMP'),
      ICEBERG('timestamp', 'timestamp', 'int64 TIMESTAMP(false, MICROS)'),
    ],
  },
  {
    // What the core writes: UTC instants (the lake's other readers need the annotation). Redshift's
    // pages name no TIMESTAMPTZ target for Parquet: Spectrum reads TIMESTAMP, so the staging column is
    // TIMESTAMP holding UTC, converted to TIMESTAMPTZ in the merge with AT TIME ZONE 'UTC'.
    physical: 'INT64',
    annotation: 'TIMESTAMP(isAdjustedToUTC=true, MICROS)',
    redshift: 'TIMESTAMP',
    sources: [SPECTRUM, EXTERNAL_TYPES('TIMESTAMP'), ICEBERG('timestamp', 'timestamp', 'int64 TIMESTAMP(MICROS)')],
  },
  ...['INT32', 'INT64', 'FIXED_LEN_BYTE_ARRAY'].map((physical): RedshiftParquetType => ({
    physical,
    annotation: 'DECIMAL',
    redshift: 'DECIMAL(p,s)',
    sources: [
      SPECTRUM,
      EXTERNAL_TYPES('DECIMAL'),
      ICEBERG('decimal(P,S)', 'decimal(P,S)', `${physical.toLowerCase()} DECIMAL(P,S)`),
    ],
  })),
];

/** A footer element's annotation, by its logical type or else its converted type (older writers set only that). */
export function parquetAnnotation(element: SchemaElement): string {
  const logical = element.logical_type;
  if (logical?.type === 'TIMESTAMP') return `TIMESTAMP(isAdjustedToUTC=${logical.isAdjustedToUTC}, ${logical.unit})`;
  if (logical?.type === 'INTEGER') return `INT(${logical.bitWidth}, ${logical.isSigned ? 'signed' : 'unsigned'})`;
  if (logical !== undefined) return logical.type;
  switch (element.converted_type) {
    case undefined:
      return 'none';
    case 'UTF8':
      return 'STRING';
    case 'INT_64':
      return 'INT(64, signed)';
    case 'TIMESTAMP_MICROS':
      return 'TIMESTAMP(isAdjustedToUTC=true, MICROS)';
    default:
      return element.converted_type;
  }
}

/** The documented row of a footer element, undefined when AWS documents none. */
export function documentedRow(element: SchemaElement): RedshiftParquetType | undefined {
  const annotation = parquetAnnotation(element);
  return REDSHIFT_PARQUET_TYPES.find((row) => row.physical === element.type && row.annotation === annotation);
}

/** Whether a staging column's DDL type is the row's Redshift type for this element. */
export function isDocumentedStaging(element: SchemaElement, stagingType: string): boolean {
  const row = documentedRow(element);
  if (row === undefined) return false;
  if (row.redshift === 'VARCHAR(n)') {
    const m = /^VARCHAR\((\d+)\)$/.exec(stagingType);
    return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 65_535;
  }
  if (row.redshift === 'DECIMAL(p,s)') {
    const m = /^(?:DECIMAL|NUMERIC)\((\d+), ?(\d+)\)$/.exec(stagingType);
    const logical = element.logical_type?.type === 'DECIMAL' ? element.logical_type : undefined;
    const precision = logical?.precision ?? element.precision;
    const scale = logical?.scale ?? element.scale ?? 0;
    return m !== null && Number(m[1]) === precision && Number(m[2]) === scale;
  }
  return stagingType === row.redshift;
}
