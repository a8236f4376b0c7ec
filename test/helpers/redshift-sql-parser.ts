/** Parses SQL with a Redshift-dialect parser (sqlglot, in the project's tools venv) through parse-redshift-sql.py. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PYTHON = fileURLToPath(new URL('../../.tools/bin/python', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./parse-redshift-sql.py', import.meta.url));

export interface ParseError {
  index: number;
  sql: string;
  error: string;
}

/** The statements that do not parse as one Redshift statement, with sqlglot's reason; none when all do. */
export async function redshiftParseErrors(
  statements: readonly string[],
): Promise<{ parser: string; errors: ParseError[] }> {
  if (!existsSync(PYTHON)) throw new Error(`no ${PYTHON}: run node scripts/ensure-tools.mjs (installs sqlglot)`);
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(PYTHON, [SCRIPT], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`parse-redshift-sql.py failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(JSON.stringify(statements));
  });
  const result = JSON.parse(out) as { parser: string; errors: { index: number; error: string }[] };
  return { parser: result.parser, errors: result.errors.map((e) => ({ ...e, sql: statements[e.index]! })) };
}
