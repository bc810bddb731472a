"""Run one read-only query against a local source's data, with a row limit and a timeout.

The statement is vetted before anything runs: only a query (SELECT, WITH ..., VALUES, set
operations) is allowed; writes, ATTACH, INSTALL/LOAD, COPY, SET/PRAGMA and reads of files other than
the catalog's sources are refused with the reason. The engines enforce it too: files are exposed to
DuckDB through `allowed_paths` with external access disabled and configuration locked, DuckDB and
SQLite files are opened read-only, PostgreSQL runs in a READ ONLY transaction with
`statement_timeout`, after its role and every function it calls pass `tools.sql.pg_guard`. A view in a
source file that reaches outside it (`Table.external`) is never queried. Rows are fetched no further
than the limit: engines stream them (PostgreSQL through a server-side cursor).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pathlib import Path

from tools.catalog.external import EXTERNAL
from tools.catalog.model import Catalog, Table
from tools.errors import FAILURE, DeassistError
from tools.sql.depth import reads_nested_sql
from tools.sql.policy import SqlPolicy
from tools.sql.sandbox import quote
from tools.sql.statements import split_statements

REFUSED = "DEA-SQL-REFUSED"
TIMEOUT = "DEA-SQL-TIMEOUT"
RUN_FAILED = "DEA-SQL-RUN"


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": [list(r) for r in self.rows], "truncated": self.truncated}


def run_query(
    sql: str, catalog: Catalog, *, limit: int = 1000, timeout_s: float = 30.0, policy: SqlPolicy | None = None
) -> QueryResult:
    """The first `limit` rows of a read-only query over the catalog's sources.

    `policy` is what the user allowed beyond the defaults (`tools.sql.policy`); PostgreSQL honours it.
    """
    kinds = {t.source.kind for t in catalog.tables}
    if not kinds:
        raise DeassistError("DEA-SOURCE-EMPTY", "the source has no tables to query")
    if "ddl" in kinds:
        raise DeassistError("DEA-SQL-NO-DATA", "a DDL file describes tables but holds no data to run against")
    if len(kinds) > 1 and not kinds <= {"files", "duckdb"}:
        raise DeassistError("DEA-SQL-MIXED-SOURCES", f"cannot query {', '.join(sorted(kinds))} sources together")
    if limit < 1:
        raise DeassistError("DEA-USAGE", "--limit must be at least 1")
    if kinds == {"spark"}:
        from tools.sql.spark_run import run_spark

        return run_spark(sql, catalog, limit=limit, timeout_s=timeout_s)
    statement = vet(sql, catalog.dialect, catalog)
    if kinds == {"sqlite"}:
        return _run_sqlite(statement, catalog, limit, timeout_s)
    if kinds == {"postgres"}:
        return _run_postgres(statement, catalog, limit, timeout_s, policy or SqlPolicy())
    return _run_duckdb(statement, catalog, limit, timeout_s)


@reads_nested_sql
def vet(sql: str, dialect: str, catalog: Catalog) -> str:
    """The one read-only query in `sql`, or a refusal saying why it will not run."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    statements = split_statements(sql, dialect)
    if not statements:
        raise DeassistError("DEA-SQL-EMPTY", "no SQL statement to run (the input is empty or only comments)")
    if len(statements) > 1:
        raise DeassistError(REFUSED, f"{len(statements)} statements: run executes exactly one query")
    text = statements[0]
    head = text.split(None, 1)[0].upper().strip("(")
    reason = {
        "ATTACH": "ATTACH opens another database",
        "DETACH": "DETACH changes the attached databases",
        "INSTALL": "INSTALL downloads an extension",
        "LOAD": "LOAD loads an extension",
        "FORCE": "INSTALL downloads an extension",
        "COPY": "COPY reads or writes files",
        "EXPORT": "EXPORT writes files",
        "IMPORT": "IMPORT reads files",
        "SET": "SET changes configuration",
        "RESET": "RESET changes configuration",
        "PRAGMA": "PRAGMA changes or reads engine configuration",
        "CALL": "CALL runs a procedure",
        "CHECKPOINT": "CHECKPOINT writes to the database",
        "VACUUM": "VACUUM writes to the database",
    }.get(head)
    if reason:
        raise DeassistError(REFUSED, f"refused: {reason}; run only executes read-only queries")
    try:
        expression = sqlglot.parse_one(text, read=dialect)
    except (ParseError, TokenError) as exc:
        raise DeassistError(
            REFUSED, f"refused: the statement does not parse as {dialect} ({str(exc).splitlines()[0]})"
        ) from None
    if not isinstance(expression, exp.Query):
        kind = type(expression).__name__.upper()
        raise DeassistError(REFUSED, f"refused: {kind} is not a read-only query; run only executes SELECT")
    for node in expression.walk():
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Copy)):
            raise DeassistError(REFUSED, f"refused: the query contains {type(node).__name__.upper()}, which writes")
        if isinstance(node, exp.Into):
            raise DeassistError(REFUSED, "refused: SELECT ... INTO creates a table")
    _refuse_file_reads(expression, catalog)
    _refuse_external_objects(expression, catalog)
    return text


def _refuse_external_objects(expression: Any, catalog: Catalog) -> None:
    """A view or macro that reaches outside its source file is never evaluated (`tools.catalog.external`)."""
    from sqlglot import exp

    hostile = {o.name.lower(): o for o in catalog.external}
    if not hostile:
        return
    for node in expression.walk():
        name = node.name if isinstance(node, (exp.Table, exp.Anonymous)) else None
        if name and name.lower() in hostile:
            raise DeassistError(EXTERNAL, f"refused: {hostile[name.lower()].message}")


def _refuse_file_reads(expression: Any, catalog: Catalog) -> None:
    """A string literal in table position (or in a reader function) names a file: only the sources may be read."""
    from sqlglot import exp

    allowed = {t.source.location for t in catalog.tables}
    names = {t.name.lower() for t in catalog.tables}
    for table in expression.find_all(exp.Table):
        target = table.this
        if (
            isinstance(target, exp.Identifier)
            and target.name.lower() not in names
            and any(ch in target.name for ch in "/\\.")
        ):
            raise DeassistError(REFUSED, f"refused: reads {target.name!r}, which is not one of the given sources")
        literals = [target] if isinstance(target, exp.Literal) else []
        if isinstance(target, exp.Func):
            literals = [lit for lit in target.find_all(exp.Literal) if lit.is_string]
        for literal in literals:
            if literal.name not in allowed:
                raise DeassistError(REFUSED, f"refused: reads {literal.name!r}, which is not one of the given sources")


def _run_duckdb(sql: str, catalog: Catalog, limit: int, timeout_s: float) -> QueryResult:
    import duckdb

    from tools.duckdb_sandbox import connect_for_tables

    conn = connect_for_tables(catalog.tables)
    try:
        for index, location in enumerate(
            sorted({t.source.location for t in catalog.tables if t.source.kind == "duckdb"})
        ):
            alias = f"source{index}"
            conn.execute(f"ATTACH {_literal(location)} AS {quote(alias)} (READ_ONLY)")
            for table in (t for t in catalog.tables if t.source.location == location and t.external is None):
                schema = table.schema_at_source or "main"
                conn.execute(
                    f"CREATE VIEW {_view_name(conn, table)} AS "
                    f"SELECT * FROM {quote(alias)}.{quote(schema)}.{quote(table.name)}"
                )
        for table in (t for t in catalog.tables if t.source.kind == "files" and t.reader):
            conn.execute(f"CREATE VIEW {_view_name(conn, table)} AS SELECT * FROM {table.reader}")
        timer = threading.Timer(timeout_s, conn.interrupt)
        timer.start()
        started = time.monotonic()
        try:
            cursor = conn.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(limit + 1)
        except duckdb.InterruptException:
            raise DeassistError(
                TIMEOUT, f"the query ran longer than {timeout_s:g}s and was stopped", exit_code=FAILURE
            ) from None
        except duckdb.Error as exc:
            if time.monotonic() - started >= timeout_s:
                raise DeassistError(
                    TIMEOUT, f"the query ran longer than {timeout_s:g}s and was stopped", exit_code=FAILURE
                ) from None
            raise DeassistError(RUN_FAILED, str(exc).splitlines()[0], exit_code=FAILURE) from None
        finally:
            timer.cancel()
    finally:
        conn.close()
    return QueryResult(columns, [tuple(r) for r in rows[:limit]], len(rows) > limit)


def _view_name(conn: Any, table: Table) -> str:
    """The table's name in the run engine, in its schema (created on first use) when it has one."""
    if not table.schema:
        return quote(table.name)
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(table.schema)}")
    return f"{quote(table.schema)}.{quote(table.name)}"


def _run_sqlite(sql: str, catalog: Catalog, limit: int, timeout_s: float) -> QueryResult:

    location = catalog.tables[0].source.location
    conn = sqlite3.connect(f"{Path(location).resolve().as_uri()}?mode=ro", uri=True)
    deadline = time.monotonic() + timeout_s
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        conn.execute("PRAGMA query_only = ON")
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchmany(limit + 1)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise DeassistError(
                TIMEOUT, f"the query ran longer than {timeout_s:g}s and was stopped", exit_code=FAILURE
            ) from None
        raise DeassistError(RUN_FAILED, str(exc), exit_code=FAILURE) from None
    except sqlite3.Error as exc:
        raise DeassistError(RUN_FAILED, str(exc), exit_code=FAILURE) from None
    finally:
        conn.close()
    return QueryResult(columns, [tuple(r) for r in rows[:limit]], len(rows) > limit)


def _run_postgres(sql: str, catalog: Catalog, limit: int, timeout_s: float, policy: SqlPolicy) -> QueryResult:
    import psycopg
    from pglast.parser import ParseError

    from tools.sql.pg_guard import check_functions, check_role

    dsn = catalog.tables[0].source.location
    try:
        with psycopg.connect(dsn, connect_timeout=10, autocommit=False) as conn:
            conn.execute("SET TRANSACTION READ ONLY")
            check_role(conn, policy)
            check_functions(conn, sql, policy)
            conn.execute(f"SET LOCAL statement_timeout = {max(1, int(timeout_s * 1000))}")
            with conn.cursor(name="deassist_run") as cursor:  # server-side: rows come only as fetched
                cursor.execute(sql)
                columns = [d.name for d in cursor.description or []]
                rows = cursor.fetchmany(limit + 1)
            conn.rollback()
    except ParseError as exc:
        raise DeassistError(REFUSED, f"refused: the statement does not parse as PostgreSQL ({exc.args[0]})") from None
    except psycopg.errors.QueryCanceled:
        raise DeassistError(
            TIMEOUT, f"the query ran longer than {timeout_s:g}s and was stopped", exit_code=FAILURE
        ) from None
    except psycopg.Error as exc:
        raise DeassistError(
            RUN_FAILED, str(exc).splitlines()[0] if str(exc) else type(exc).__name__, exit_code=FAILURE
        ) from None
    return QueryResult(columns, [tuple(r) for r in rows[:limit]], len(rows) > limit)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


__all__ = ["QueryResult", "run_query", "vet"]
