/** Redshift Data API statements that failed or timed out, as errors naming the statement and its SQL. */
import type { DescribeStatementResponse } from '@aws-sdk/client-redshift-data';

export interface FailedSubStatement {
  /** 1-based, as in the sub-statement id `${batchId}:${index}`. */
  index: number;
  id?: string;
  sql: string;
}

/** A statement that ended FAILED or ABORTED, with the server's error text and the statement id. */
export class RedshiftStatementError extends Error {
  override readonly name: string = 'RedshiftStatementError';
  constructor(
    message: string,
    readonly statementId: string,
    readonly status: string,
    readonly serverError: string | undefined,
    readonly failedStatement?: FailedSubStatement,
  ) {
    super(message);
  }
}

/** A statement that passed statementTimeoutSeconds; it was cancelled (CancelStatement). */
export class RedshiftStatementTimeoutError extends RedshiftStatementError {
  override readonly name = 'RedshiftStatementTimeoutError';
}

/** The start of a statement, on one line, for error messages. */
export function statementHead(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** The error of a statement (or batch) that ended FAILED or ABORTED, naming the sub-statement that failed. */
export function statementError(d: DescribeStatementResponse, sqls: readonly string[]): RedshiftStatementError {
  const id = d.Id ?? '?';
  const status = d.Status ?? 'UNKNOWN';
  const subs = d.SubStatements ?? [];
  let i = subs.findIndex((s) => s.Status === 'FAILED');
  if (i < 0 && status === 'ABORTED') i = subs.findIndex((s) => s.Status === 'ABORTED');
  const sub = i >= 0 ? subs[i] : undefined;
  const serverError = sub?.Error || d.Error || undefined;
  let failed: FailedSubStatement | undefined;
  let where = '';
  if (sub !== undefined) {
    failed = { index: i + 1, id: sub.Id, sql: sqls[i] ?? sub.QueryString ?? '' };
    where = ` at statement ${i + 1} of ${sqls.length} (${statementHead(failed.sql)})`;
  } else if (sqls.length === 1) {
    where = ` (${statementHead(sqls[0]!)})`;
  }
  return new RedshiftStatementError(
    `Redshift statement ${id} ${status}${where}: ${serverError ?? 'no error text from the server'}`,
    id,
    status,
    serverError,
    failed,
  );
}

/**
 * A statement Redshift aborted to keep transactions serializable (ERROR 1023, "Serializable isolation
 * violation on table ..."): nothing was committed, and running it again later may succeed. AWS,
 * "Serializable isolation" and its troubleshooting page.
 */
export function isSerializationFailure(error: unknown): boolean {
  if (!(error instanceof RedshiftStatementError) || error instanceof RedshiftStatementTimeoutError) return false;
  return /\b1023\b|serializable isolation violation/i.test(error.serverError ?? error.message);
}
