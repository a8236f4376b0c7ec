/**
 * The Redshift-only statements of a merge batch: the Parquet COPY into the staging table, and the
 * read-back that tells whether this transaction wrote the ledger row.
 *
 * COPY from Parquet maps columns by position and accepts only a short list of options (AWS,
 * "COPY from columnar data formats": ACCEPTINVCHARS, FILLRECORD, FROM, IAM_ROLE, CREDENTIALS,
 * STATUPDATE, MANIFEST, EXPLICIT_IDS). So there is no column list: the staging table is built with
 * exactly the file's columns in file order (createStagingSql). There is no MAXERROR either: it is
 * refused for columnar formats, and a columnar COPY fails on its first error anyway, which is what
 * MAXERROR 0 would ask for. REGION is refused for columnar COPY too: the bucket must be in the
 * cluster's region.
 */
import type { MergePlan } from '../warehouse';
import { ident, literal, qualified } from './identifiers';
import { LEDGER_TABLE, ledgerTableOf, stagingTableName } from './merge-sql';

/** An IAM role ARN Redshift assumes to read S3, or `default` for the cluster's default role. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;

export function redshiftCopySql(
  plan: Pick<MergePlan, 'table' | 'fingerprint' | 'manifestUrl'>,
  iamRole: string,
): string {
  if (!/^s3:\/\//.test(plan.manifestUrl)) {
    throw new Error(`Redshift COPY reads its manifest from S3, not ${JSON.stringify(plan.manifestUrl)}`);
  }
  let role: string;
  if (iamRole === 'default') role = 'default';
  else if (IAM_ROLE_ARN.test(iamRole)) role = literal(iamRole);
  else
    throw new Error(
      `refusing IAM role ${JSON.stringify(iamRole)}: expected arn:aws:iam::<account>:role/<name> or default`,
    );
  return `COPY ${ident(stagingTableName(plan))} FROM ${literal(plan.manifestUrl)} IAM_ROLE ${role} FORMAT AS PARQUET MANIFEST`;
}

/** Redshift's transaction start time. CURRENT_TIMESTAMP is a leader-node-only function there. */
export const REDSHIFT_NOW = 'SYSDATE';

/**
 * Run after mergeStatements, inside the same transaction: the deduplicated staging rows; 1 when
 * the table's ledger row for the manifest carries this transaction's start time (the ledger INSERT
 * wrote it here), 0 when an earlier load had written it (there or in the shared ledger of earlier
 * versions); and the rows that ledger row recorded.
 */
export function mergeOutcomeSql(plan: Pick<MergePlan, 'schema' | 'table' | 'fingerprint' | 'manifestKey'>): string {
  const unique = ident(`${stagingTableName(plan)}_one`.slice(0, 63));
  const key = literal(plan.manifestKey);
  const ledgers = [ledgerTableOf(plan.table), LEDGER_TABLE]
    .map(
      (t, i) =>
        `SELECT "rows", "loaded_at", ${i === 0 ? 1 : 0} AS "own" FROM ${qualified(plan.schema, t)} WHERE "manifest_key" = ${key}`,
    )
    .join(' UNION ALL ');
  return (
    `SELECT "s"."staged_rows", "l"."applied", "l"."ledger_rows" FROM (SELECT COUNT(*) AS "staged_rows" FROM ${unique}) AS "s" CROSS JOIN ` +
    `(SELECT SUM(CASE WHEN "own" = 1 AND "loaded_at" = ${REDSHIFT_NOW} THEN 1 ELSE 0 END) AS "applied", MAX("rows") AS "ledger_rows" ` +
    `FROM (${ledgers}) AS "both") AS "l"`
  );
}
