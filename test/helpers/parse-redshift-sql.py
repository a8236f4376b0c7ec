"""Parses SQL statements with sqlglot's Redshift dialect: a JSON array of strings on stdin, a JSON
array of {"index", "error"} on stdout for each statement that does not parse as exactly one statement
(sqlglot's fallback to an unparsed 'Command' counts as an error: it means the syntax was not understood)."""
import json
import sys

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel


def check(sql):
    try:
        parsed = [e for e in sqlglot.parse(sql, read="redshift", error_level=ErrorLevel.RAISE) if e is not None]
    except sqlglot.errors.SqlglotError as error:
        return " ".join(str(error).split())
    if len(parsed) != 1:
        return f"expected one statement, parsed {len(parsed)}"
    if isinstance(parsed[0], exp.Command):
        return "not understood by the Redshift dialect (parsed as an opaque command)"
    return None


def main():
    statements = json.load(sys.stdin)
    errors = []
    for index, sql in enumerate(statements):
        error = check(sql)
        if error is not None:
            errors.append({"index": index, "error": error})
    json.dump({"parser": f"sqlglot {sqlglot.__version__}", "errors": errors}, sys.stdout)


if __name__ == "__main__":
    main()
