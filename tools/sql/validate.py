"""Validate SQL against a catalog in the dialect it is written in, without touching any database.

Every dialect is bound by DuckDB against schema-only tables (the catalog loaded once per validator,
the connection reused). Where the dialect's own engine runs in-process it has the last word:
SQLite's `EXPLAIN` decides validity for `sqlite` (DuckDB then only explains the error), DuckDB
decides for `duckdb`. PostgreSQL is checked by its own parser (libpg_query) and its catalog's
function and operator rules (`tools.sql.postgres`), with identifiers folded and quoted the way
PostgreSQL does before DuckDB binds the names.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from tools.catalog.model import Catalog
from tools.errors import DeassistError
from tools.sql import diagnostics as codes
from tools.sql.depth import reads_nested_sql
from tools.sql.diagnostics import Diagnostic, ValidationReport, position
from tools.sql.dialects import SqlglotWarnings, resolve_dialect, syntax_problem
from tools.sql.engine_errors import EXTERNAL_ACCESS, EngineError, did_you_mean, read_duckdb_error, read_sqlite_error
from tools.sql.pg_guard import DENIED_FUNCTION
from tools.sql.sandbox import DuckSandbox, quote, sqlite_schema
from tools.sql.statements import Statement, statement_spans

if TYPE_CHECKING:
    from sqlglot import exp

EXPLAIN = "EXPLAIN "
# DuckDB statement types that EXPLAIN binds without running; others (ATTACH, SET, COPY, ...) are only parsed.
BINDABLE = {"INSERT", "UPDATE", "DELETE", "CREATE", "MERGE_INTO", "DROP", "ALTER"}


class SqlValidator:
    """Validates SQL for one catalog and dialect; build it once and call `validate` many times."""

    def __init__(self, catalog: Catalog, dialect: str = "duckdb") -> None:
        self.dialect = resolve_dialect(dialect)
        if self.dialect == "postgres":
            catalog = either_spelling(catalog)
        self.catalog = catalog
        self._case_sensitive = self.dialect == "postgres"
        rename = encode if self._case_sensitive else None
        settings = None
        if self.dialect == "spark":
            from tools.sql.spark_rules import DUCKDB_SETTINGS as settings
        self._sandbox = DuckSandbox(catalog, self.dialect, rename=rename, settings=settings)
        self._sqlite = sqlite_schema(catalog) if self.dialect == "sqlite" else None
        self._tables = [t.qualified_name for t in catalog.tables]
        self._columns = sorted({c.name for t in catalog.tables for c in t.columns})
        self._spark = None
        if self.dialect == "spark":
            from tools.sql.spark_validate import spark_route

            self._spark = spark_route(catalog, self)

    @reads_nested_sql
    def validate(self, sql: str, *, single_statement: bool = False) -> ValidationReport:
        """Diagnostics for every statement in `sql`; with `single_statement`, more than one is an error."""
        statements = statement_spans(sql, self.dialect)
        if not statements:
            raise DeassistError("DEA-SQL-EMPTY", "no SQL statement to validate (the input is empty or only comments)")
        diagnostics: list[Diagnostic] = []
        if single_statement and len(statements) > 1:
            line, column = position(sql, statements[1].offset)
            diagnostics.append(
                Diagnostic(
                    "error",
                    codes.MULTIPLE_STATEMENTS,
                    f"{len(statements)} statements where one query was asked for",
                    line,
                    column,
                    "keep only the statement that answers the question",
                )
            )
        for statement in statements:
            diagnostics.extend(self._place(sql, statement, found) for found in self._check(statement))
        return ValidationReport.of(diagnostics, [s.text for s in statements])

    def close(self) -> None:
        self._sandbox.close()
        if self._spark is not None:
            self._spark.close()
        if self._sqlite is not None:
            self._sqlite.close()

    # -- one statement ---------------------------------------------------------------------------

    def _check(self, statement: Statement) -> list[tuple[EngineError, str]]:
        """(finding, severity) pairs for one statement; positions are placed by `_place`."""
        if self._spark is not None:
            return self._spark.check(statement.text)
        if self.dialect == "duckdb":
            error = self._bind(statement.text, original=True)
            return [(error, _severity(error))] if error else []
        if self.dialect == "sqlite":
            return self._check_sqlite(statement.text)
        if self.dialect == "postgres":
            return self._check_postgres(statement.text)
        return self._check_other(statement.text)

    def _check_sqlite(self, text: str) -> list[tuple[EngineError, str]]:
        assert self._sqlite is not None
        prefix = "" if re.match(r"\s*explain\b", text, re.IGNORECASE) else EXPLAIN
        try:
            self._sqlite.execute(prefix + text)
            return []
        except (sqlite3.Error, sqlite3.Warning) as exc:
            native = read_sqlite_error(str(exc))
        # SQLite's verdict stands; DuckDB only lends its richer diagnostic when it found the same thing.
        transpiled, _, query = self._to_duckdb(text)
        bound = self._bind(transpiled, query=query) if transpiled else None
        if bound and bound.code == native.code and _same_name(bound.name, native.name):
            return [(EngineError(bound.code, bound.message, bound.name, bound.suggestion), "error")]
        return [(self._suggest(native), "error")]

    def _check_postgres(self, text: str) -> list[tuple[EngineError, str]]:
        from tools.sql.postgres import check_postgres

        findings = [
            EngineError(f.code, f.message, line=_line(text, f.offset), column=_col(text, f.offset))
            for f in check_postgres(text, self.catalog)
        ]
        if any(f.code == codes.SYNTAX for f in findings):
            return [(findings[0], "error")]
        found = [(f, _severity(f)) for f in findings]
        direct = quoted_names_encoded(text)
        if direct is not None and self._bind(direct) is None:
            return found  # DuckDB binds the statement as written: no need for sqlglot's translation
        transpiled, warnings, query = self._to_duckdb(text, fold=True)
        # libpg_query accepted the syntax: what sqlglot or DuckDB cannot read is a gap in the check.
        found.extend((_not_checked(w) if w.code == codes.SYNTAX else w, "warning") for w in warnings)
        bound = self._bind(transpiled, query=query) if transpiled is not None else None
        if bound is None:
            return found
        if bound.code == codes.SYNTAX:
            found.append((_not_checked(bound), "warning"))
        # Which functions exist is PostgreSQL's catalog's call (checked above), not DuckDB's; and a
        # problem the PostgreSQL rules already reported is not reported twice.
        elif bound.code != codes.UNKNOWN_FUNCTION and bound.code not in {f.code for f in findings}:
            found.append((self._suggest(bound), _severity(bound)))
        return found

    def _check_other(self, text: str) -> list[tuple[EngineError, str]]:
        transpiled, warnings, query = self._to_duckdb(text)
        found = [(w, "warning") if w.code == codes.UNSUPPORTED_CONSTRUCT else (w, "error") for w in warnings]
        if transpiled is not None:
            bound = self._bind(transpiled, query=query)
            if bound:
                # A function sqlglot does not know may exist in the dialect: say so, don't fail.
                severity = "warning" if bound.code == codes.UNKNOWN_FUNCTION else _severity(bound)
                found.append((self._suggest(bound), severity))
        return found

    # -- engines ---------------------------------------------------------------------------------

    def _bind(self, text: str, *, original: bool = False, query: bool = False) -> EngineError | None:
        """Bind `text` in the schema-only DuckDB (EXPLAIN plans, never executes); the error, if any.

        DuckDB's caret is kept only when `text` is what the user wrote (`original`); in transpiled
        text the offending name is located in the user's statement instead. `query` vouches that
        `text` is a read-only query (sqlglot parsed it as one), which spares DuckDB parsing it twice.
        """
        import duckdb

        while True:
            try:
                return self._bind_once(text, query=query)
            except duckdb.Error as exc:
                message = str(exc)
                if not self._sandbox.create_missing(message):
                    break
        if original and "\nLINE " not in message:
            try:  # the lazy relation's error has no caret; EXPLAIN's has
                self._sandbox.conn.execute(EXPLAIN + text)
            except duckdb.Error as exc:
                message = str(exc)
        if "Values were not provided for the following" in message:
            return None  # parameter placeholders ($1, ?): bound as far as DuckDB goes without values
        error = read_duckdb_error(decode(message) if self._case_sensitive else message)
        if not original:
            error = EngineError(error.code, error.message, error.name, error.suggestion)
        elif error.line == 1 and error.column is not None:
            error = EngineError(
                error.code, error.message, error.name, error.suggestion, 1, max(1, error.column - len(EXPLAIN))
            )
        if error.code == EXTERNAL_ACCESS:
            return EngineError(EXTERNAL_ACCESS, "reads files or databases outside the schema; not checked", error.name)
        if error.code == codes.UNKNOWN_TABLE:
            # DuckDB's hint ranks only the tables created so far (and its own pg_catalog): ask the catalog.
            hint = did_you_mean(error.name, self._tables) if error.name else None
            return EngineError(error.code, _without_hint(error.message), error.name, hint, error.line, error.column)
        return error

    def _bind_once(self, text: str, *, query: bool) -> EngineError | None:
        import duckdb

        kind = duckdb.StatementType.SELECT if query else None
        if kind is None:
            parsed = self._sandbox.conn.extract_statements(text)
            kind = parsed[0].type if len(parsed) == 1 else None
        if kind == duckdb.StatementType.SELECT:
            self._sandbox.conn.sql(text)  # a lazy relation: bound and planned, never run
        elif kind is not None and kind.name in BINDABLE:
            self._sandbox.conn.execute(EXPLAIN + text)
        else:
            what = kind.name.replace("_", " ") if kind is not None else "this"
            return EngineError(
                codes.UNSUPPORTED_CONSTRUCT,
                f"{what} statement parsed but not bound: it cannot be checked without running it",
            )
        return None

    def _to_duckdb(
        self, text: str, *, fold: bool = False, rewrite: Callable[[exp.Expression], object] | None = None
    ) -> tuple[str | None, list[EngineError], bool]:
        """One statement in DuckDB's dialect, what did not carry over (as warnings), and whether it is a
        read-only query. `rewrite` sees (and may change) the parsed statement before it is written."""
        import sqlglot
        from sqlglot import ErrorLevel
        from sqlglot.dialects.dialect import Dialect
        from sqlglot.errors import ParseError, TokenError

        try:
            with SqlglotWarnings() as logged:
                expression = sqlglot.parse_one(text, read=self.dialect)
        except (ParseError, TokenError) as exc:
            problem = syntax_problem(exc)
            return (
                None,
                [EngineError(codes.SYNTAX, problem.message, problem.near, line=problem.line, column=problem.column)],
                False,
            )
        if fold:
            group_dependent_columns(expression, self.catalog)
            fold_identifiers(expression)
        if rewrite is not None:
            rewrite(expression)
        generator = Dialect.get_or_raise("duckdb").generator(unsupported_level=ErrorLevel.IGNORE)
        try:
            transpiled = generator.generate(expression, copy=False)
        except Exception as exc:  # noqa: BLE001 - sqlglot raises plain errors for constructs it cannot write
            return None, [EngineError(codes.UNSUPPORTED_CONSTRUCT, f"cannot carry into DuckDB: {exc}")], False
        warnings = [
            EngineError(codes.UNSUPPORTED_CONSTRUCT, f"not carried into DuckDB faithfully: {message.strip()}")
            for message in [*logged.messages, *generator.unsupported_messages]
        ]
        return transpiled, warnings, _read_only_query(expression)

    # -- presentation ----------------------------------------------------------------------------

    def _suggest(self, error: EngineError) -> EngineError:
        if error.suggestion or not error.name:
            return error
        pool = {
            codes.UNKNOWN_COLUMN: self._columns,
            codes.UNKNOWN_TABLE: self._tables,
        }.get(error.code)
        if pool is None:
            return error
        return EngineError(
            error.code, error.message, error.name, did_you_mean(error.name, pool), error.line, error.column
        )

    def _place(self, sql: str, statement: Statement, found: tuple[EngineError, str]) -> Diagnostic:
        error, severity = found
        if error.line is not None and error.column is not None:
            offset = _offset(statement.text, error.line, error.column)
        else:
            offset = _locate(statement.text, error.name)
        line, column = position(sql, statement.offset + offset)
        return Diagnostic(severity, error.code, error.message, line, column, error.suggestion)  # type: ignore[arg-type]


def validate_sql(sql: str, catalog: Catalog, dialect: str = "duckdb") -> ValidationReport:
    """One-off validation; for many queries build a `SqlValidator` once and reuse it."""
    validator = SqlValidator(catalog, dialect)
    try:
        return validator.validate(sql)
    finally:
        validator.close()


# -- PostgreSQL identifiers ----------------------------------------------------------------------
# PostgreSQL folds unquoted names to lower case and matches quoted ones exactly; DuckDB matches all
# names case-insensitively. Encoding upper-case letters (A -> ^a, ^ -> ^^) in the sandbox's names and
# in the query's makes DuckDB's case-insensitive match exactly PostgreSQL's case-sensitive one.


def encode(name: str) -> str:
    return "".join("^^" if ch == "^" else f"^{ch.lower()}" if ch.isupper() else ch for ch in name)


def decode(text: str) -> str:
    return re.sub(r"\^(\^|[^\^])", lambda m: "^" if m.group(1) == "^" else m.group(1).upper(), text)


def quoted_names_encoded(text: str) -> str | None:
    """`text` with its quoted names encoded, for DuckDB to bind as written; None when it holds anything
    the encoding cannot carry (Unicode-escaped names).

    Unquoted names need nothing: PostgreSQL folds them to lower case, which DuckDB's case-insensitive
    match already agrees with. DuckDB's parser is PostgreSQL's, so most statements bind unchanged;
    one that does not goes through sqlglot's translation instead.
    """
    from pglast.parser import scan

    pieces: list[str] = []
    last = 0
    for token in scan(text):
        if token.name == "UIDENT":
            return None
        if token.name == "IDENT" and text[token.start] == '"':
            name = text[token.start + 1 : token.end].replace('""', '"')
            pieces += [text[last : token.start], quote(encode(name))]
            last = token.end + 1
    return "".join(pieces) + text[last:] if pieces else text


def either_spelling(catalog: Catalog) -> Catalog:
    """A DDL file does not tell whether `CREATE TABLE Orders (Id int)` quoted its names, so for names
    read from DDL accept both what PostgreSQL stores unquoted (orders, id) and the exact spelling."""
    from dataclasses import replace

    tables = []
    for table in catalog.tables:
        if table.source.kind != "ddl":
            tables.append(table)
            continue
        columns = list(table.columns)
        names = {c.name for c in columns}
        columns += [replace(c, name=c.name.lower()) for c in table.columns if c.name.lower() not in names]
        tables.append(replace(table, columns=columns))
        if table.name.lower() != table.name:
            tables.append(replace(table, name=table.name.lower(), columns=columns))
    return Catalog(tables)


def group_dependent_columns(expression: exp.Expression, catalog: Catalog) -> None:
    """PostgreSQL lets a grouped query use any column of a table whose primary key it groups by
    (functional dependence); DuckDB does not. Adding those columns to GROUP BY changes nothing in
    PostgreSQL's eyes and lets DuckDB bind the query the same way."""
    from sqlglot import exp

    def folded(identifier: exp.Identifier | None) -> str:
        if identifier is None:
            return ""
        return identifier.this if identifier.quoted else identifier.this.lower()

    for select in expression.find_all(exp.Select):
        group = select.args.get("group")
        if not group:
            continue
        grouped = {
            (folded(c.args.get("table")), folded(c.this)) for c in group.expressions if isinstance(c, exp.Column)
        }
        sources = [select.args.get("from_") or select.args.get("from"), *(select.args.get("joins") or [])]
        for source in filter(None, sources):
            table = source.this
            if not isinstance(table, exp.Table):
                continue
            entry = next((t for t in catalog.tables if t.name == folded(table.this) and t.primary_key), None)
            if entry is None:
                continue
            alias = folded(table.args["alias"].this) if table.args.get("alias") else entry.name
            if all((alias, key) in grouped or ("", key) in grouped for key in entry.primary_key):
                for column in entry.columns:
                    group.append(
                        "expressions",
                        exp.Column(
                            this=exp.to_identifier(column.name, quoted=True),
                            table=exp.to_identifier(alias, quoted=True),
                        ),
                    )


def fold_identifiers(expression: exp.Expression) -> None:
    from sqlglot import exp

    for identifier in expression.find_all(exp.Identifier):
        name = identifier.this if identifier.quoted else identifier.this.lower()
        identifier.set("this", encode(name))
        identifier.set("quoted", True)


# -- helpers -------------------------------------------------------------------------------------


def _read_only_query(expression: exp.Expression) -> bool:
    from sqlglot import exp

    writes = (
        exp.Insert,
        exp.Update,
        exp.Delete,
        exp.Merge,
        exp.Create,
        exp.Drop,
        exp.Alter,
        exp.Into,
        exp.Copy,
        exp.Command,
    )
    return isinstance(expression, exp.Query) and expression.find(*writes) is None


def _without_hint(message: str) -> str:
    return re.sub(r'\s*Did you mean "[^"]*"\??', "", message)


def _not_checked(error: EngineError) -> EngineError:
    return EngineError(
        codes.UNSUPPORTED_CONSTRUCT, f"names not checked, sqlglot/DuckDB cannot read it: {error.message}", error.name
    )


def _severity(error: EngineError) -> str:
    return "warning" if error.code in {codes.UNSUPPORTED_CONSTRUCT, EXTERNAL_ACCESS, DENIED_FUNCTION} else "error"


def _same_name(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.split(".")[-1].strip('"`[]').lower() == b.split(".")[-1].strip('"`[]').lower()


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    line = max(1, min(line, len(lines)))
    return sum(len(part) + 1 for part in lines[: line - 1]) + max(0, min(column - 1, len(lines[line - 1])))


def _line(text: str, offset: int) -> int:
    return position(text, offset)[0]


def _col(text: str, offset: int) -> int:
    return position(text, offset)[1]


def _locate(text: str, name: str | None) -> int:
    """Where `name` first appears in `text` as a word (case-insensitive); 0 when it does not."""
    if not name:
        return 0
    for candidate in (name, name.split(".")[-1]):
        bare = candidate.strip('"`[]')
        match = re.search(rf"(?<![\w.]){re.escape(bare)}(?!\w)", text, re.IGNORECASE) or re.search(
            re.escape(bare), text, re.IGNORECASE
        )
        if match:
            return match.start()
    return 0


__all__ = ["SqlValidator", "validate_sql"]
