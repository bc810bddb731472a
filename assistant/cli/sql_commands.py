"""`deassist validate`, `transpile` and `run`: thin shells over `tools.sql`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tools.errors import FAILURE, DeassistError

if TYPE_CHECKING:
    from tools.sql.diagnostics import Diagnostic, ValidationReport


def read_sql(file: str) -> tuple[str, str]:
    """(text, display name) of FILE or stdin (`-`); missing, binary or non-UTF-8 input is a usage error."""
    if file == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        path = Path(file)
        if not path.exists():
            raise DeassistError("DEA-INPUT-MISSING", f"{file}: no such file")
        if path.is_dir():
            raise DeassistError("DEA-INPUT-DIRECTORY", f"{file}: is a directory, expected a SQL file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DeassistError("DEA-INPUT-UNREADABLE", f"{file}: {exc.strerror}") from None
        name = file
    if b"\x00" in data[:8192]:
        raise DeassistError("DEA-INPUT-BINARY", f"{name}: binary file, expected SQL text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DeassistError("DEA-INPUT-ENCODING", f"{name}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise DeassistError("DEA-SQL-EMPTY", f"{name}: no SQL to read (the input is empty)")
    return text, name


def render_diagnostic(diagnostic: Diagnostic, sql: str, name: str) -> str:
    """`name:line:col: severity CODE: message`, the offending line, a caret under the column, the hint."""
    color = {"error": "red", "warning": "yellow"}.get(diagnostic.severity, "cyan")
    lines = sql.split("\n")
    source = lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else ""
    gutter = f"{diagnostic.line} | "
    out = [
        f"{name}:{diagnostic.line}:{diagnostic.column}: "
        + click.style(f"{diagnostic.severity} {diagnostic.code}", fg=color, bold=True)
        + f": {diagnostic.message}",
        f"  {gutter}{source.expandtabs(1)}",
        "  " + " " * (len(gutter) + diagnostic.column - 1) + click.style("^", fg=color, bold=True),
    ]
    if diagnostic.suggestion:
        out.append("  " + click.style("hint: ", fg="green") + diagnostic.suggestion)
    return "\n".join(out)


def _summary(report: ValidationReport) -> str:
    errors = sum(d.severity == "error" for d in report.diagnostics)
    warnings = sum(d.severity == "warning" for d in report.diagnostics)
    if report.valid:
        text = f"valid ({len(report.statements)} statement{'s' * (len(report.statements) != 1)}"
        return click.style(text + (f", {warnings} warning{'s' * (warnings != 1)})" if warnings else ")"), fg="green")
    return click.style(
        f"invalid: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", fg="red"
    )


@click.command()
@click.argument("file", required=False, default="-")
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    required=True,
    help="DDL, DuckDB, SQLite, CSV/Parquet/JSON file, glob or directory (repeatable).",
)
@click.option("--dialect", default="duckdb", show_default=True, help="Dialect the SQL is written in.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--batch",
    type=click.Path(dir_okay=False),
    help='JSONL file of {"id", "sql"} objects; writes one JSON line per input.',
)
@click.option("--single", is_flag=True, help="Expect exactly one statement.")
def validate(file: str, schemas: tuple[str, ...], dialect: str, fmt: str, batch: str | None, single: bool) -> None:
    """Check SQL against a schema in the dialect you write. Exit 0 valid, 1 errors found, 2 bad input."""
    from tools.catalog import load_catalog
    from tools.sql.dialects import resolve_dialect
    from tools.sql.validate import SqlValidator

    dialect = resolve_dialect(dialect)
    if batch:
        lines = read_sql(batch)[0].splitlines()
        validator = SqlValidator(load_catalog(list(schemas), dialect), dialect)
        failed = False
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            result = _batch_line(validator, line, number, single)
            failed = failed or not result["valid"]
            click.echo(json.dumps(result, default=str))
        sys.exit(FAILURE if failed else 0)
    sql, name = read_sql(file)
    catalog = load_catalog(list(schemas), dialect)
    _notes(catalog)
    validator = SqlValidator(catalog, dialect)
    report = validator.validate(sql, single_statement=single)
    if fmt == "json":
        click.echo(json.dumps({"dialect": dialect, **report.to_dict()}, indent=2))
    else:
        for diagnostic in report.diagnostics:
            click.echo(render_diagnostic(diagnostic, sql, name))
        click.echo(_summary(report))
    sys.exit(0 if report.valid else FAILURE)


def _notes(catalog: Any) -> None:
    """What reading the sources decided (tables qualified by source), on stderr so output stays clean."""
    for note in catalog.notes:
        click.echo(f"note: {note}", err=True)


def _batch_line(validator: Any, line: str, number: int, single: bool) -> dict[str, Any]:
    """One output object for one input line; a bad line is reported here and the batch goes on."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return _line_error(None, "DEA-INPUT-JSON", f"line {number}: not JSON ({exc.msg})")
    if not isinstance(item, dict) or not isinstance(item.get("sql"), str):
        ident = item.get("id") if isinstance(item, dict) else None
        return _line_error(ident, "DEA-INPUT-JSON", f'line {number}: expected an object with a string "sql"')
    try:
        report = validator.validate(item["sql"], single_statement=single)
    except DeassistError as exc:
        return _line_error(item.get("id"), exc.code, exc.message)
    return {"id": item.get("id"), "valid": report.valid, "diagnostics": [d.to_dict() for d in report.diagnostics]}


def _line_error(ident: Any, code: str, message: str) -> dict[str, Any]:
    diagnostic = {"severity": "error", "code": code, "message": message, "line": 1, "column": 1, "suggestion": None}
    return {"id": ident, "valid": False, "diagnostics": [diagnostic]}


@click.command()
@click.argument("file", required=False, default="-")
@click.option("--from", "read", required=True, help="Dialect the SQL is written in.")
@click.option("--to", "write", required=True, help="Dialect to write.")
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    help="The target's schema, to check the output's names and types too (as for validate; DDL in the target dialect).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def transpile(file: str, read: str, write: str, schemas: tuple[str, ...], fmt: str) -> None:
    """Translate SQL between dialects and check the output in the target. Exit 0 accepted, 1 rejected, 2 bad input."""
    from tools.sql.dialects import resolve_dialect
    from tools.sql.transpile import transpile_sql

    read, write = resolve_dialect(read), resolve_dialect(write)
    sql, name = read_sql(file)
    catalog = None
    if schemas:
        from tools.catalog import load_catalog

        catalog = load_catalog(list(schemas), write)
    result = transpile_sql(sql, read, write, catalog)
    if fmt == "json":
        click.echo(json.dumps({"from": read, "to": write, **result.to_dict()}, indent=2))
    else:
        click.echo(result.sql)
        for warning in result.warnings:
            shown = (result.sql, "<output>") if warning.text == "output" else (sql, name)
            click.echo(render_diagnostic(warning, *shown), err=True)
        click.echo(f"checked: {result.checked}", err=True)
    sys.exit(FAILURE if result.rejected else 0)


@click.command()
@click.argument("file", required=False, default="-")
@click.option(
    "--source",
    "sources",
    multiple=True,
    required=True,
    help="Data to query: CSV/Parquet/JSON files, globs, directories, a DuckDB or SQLite file, a postgresql:// URL.",
)
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(min=1), help="Rows to return at most.")
@click.option(
    "--timeout",
    "timeout_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds before the query is stopped.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--allow-privileged-role",
    is_flag=True,
    help="Run on PostgreSQL as a superuser or a server-file role (refused by default; functions are still checked).",
)
def run(file: str, sources: tuple[str, ...], limit: int, timeout_s: float, fmt: str, allow_privileged_role: bool) -> None:
    """Run a read-only query against a local source (writes, ATTACH, COPY, SET, ... are refused)."""
    from pathlib import Path

    from tools.catalog import load_catalog
    from tools.sql.policy import load_sql_policy
    from tools.sql.run import run_query
    from tools.terminal_text import visible

    sql, _ = read_sql(file)
    catalog = load_catalog(list(sources), "duckdb")
    _notes(catalog)
    policy = load_sql_policy(Path.cwd()).allowing_privileged_role(allow_privileged_role)
    result = run_query(sql, catalog, limit=limit, timeout_s=timeout_s, policy=policy)
    if fmt == "json":
        from tools.profile.model import jsonable

        data = result.to_dict()
        data["rows"] = [jsonable(row) for row in data["rows"]]  # NaN and infinities are not JSON: null
        click.echo(json.dumps(data, default=str, indent=2, allow_nan=False))
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([visible(c) for c in result.columns])
        writer.writerows([["" if v is None else visible(str(v)) for v in row] for row in result.rows])
    else:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(*(escape(visible(c)) for c in result.columns), show_lines=False)
        for row in result.rows:
            table.add_row(*("NULL" if v is None else escape(visible(str(v))) for v in row))
        Console(soft_wrap=True).print(table)
    if result.truncated:
        click.echo(f"note: showing the first {limit} rows (--limit)", err=True)
