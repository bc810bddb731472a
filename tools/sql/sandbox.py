"""Schema-only engines: the catalog as empty tables in an in-memory DuckDB (and SQLite).

The DuckDB sandbox comes from `tools.duckdb_sandbox`: no file is readable, extensions stay unloaded
and the configuration is locked, so nothing a query says can read files or loosen the settings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from tools.catalog.model import SOURCE_DIALECT, Catalog, Column, Table

if TYPE_CHECKING:
    import duckdb
    from sqlglot import exp

# Where a dialect keeps tables named without a schema (PostgreSQL: `notes` is `public.notes`).
DEFAULT_SCHEMA = {"postgres": "public"}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_type(type_sql: str, dialect: str, conn: duckdb.DuckDBPyConnection) -> str:
    """The DuckDB spelling of a column type; VARCHAR when the type has no DuckDB meaning.

    Cached per (type, dialect): a wide catalog repeats a handful of types thousands of times, and
    whether DuckDB accepts a built-in type does not depend on the connection asking.
    """
    key = (type_sql, dialect)
    if key not in _TYPES:
        _TYPES[key] = _duckdb_type(type_sql, dialect, conn)
    return _TYPES[key]


_TYPES: dict[tuple[str, str], str] = {}


def _duckdb_type(type_sql: str, dialect: str, conn: duckdb.DuckDBPyConnection) -> str:
    import duckdb
    import sqlglot
    from sqlglot import exp

    if not type_sql or type_sql.upper() in {"ANY", "UNKNOWN"}:
        return "VARCHAR"
    candidates = [type_sql]
    try:
        candidates.insert(0, exp.DataType.build(type_sql, dialect=dialect).sql("duckdb"))
    except (sqlglot.errors.ParseError, ValueError):
        pass
    for candidate in candidates:
        try:
            conn.execute(f"SELECT CAST(NULL AS {candidate})")
            return candidate
        except duckdb.Error:
            continue
    return _affinity(type_sql)


def _affinity(type_sql: str) -> str:
    """SQLite's type-affinity rules, for type names nothing else understands."""
    upper = type_sql.upper()
    if "INT" in upper:
        return "BIGINT"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "VARCHAR"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "DOUBLE"
    return "VARCHAR"


class DuckSandbox:
    """An in-memory DuckDB for the catalog's tables, empty and locked down, that creates a table the
    first time a statement names it: a catalog of a thousand tables costs nothing until a query
    touches one, and then only the tables it touches.

    `rename` spells every schema, table and column name (validation of case-sensitive dialects
    encodes them; see `tools.sql.validate.encode`); `settings` are DuckDB options set before the lock
    (Spark's implicit casts: `tools.sql.spark_rules`).
    """

    def __init__(
        self,
        catalog: Catalog,
        dialect: str,
        *,
        rename: Callable[[str], str] | None = None,
        settings: Mapping[str, bool] | None = None,
    ) -> None:
        self._name = rename or (lambda n: n)
        self._settings = dict(settings or {})  # DuckDB settings the dialect's checks need (Spark's casting)
        self._dialect = dialect
        self._default = DEFAULT_SCHEMA.get(dialect)
        self._schemas = sorted({t.schema or self._default for t in catalog.tables} - {None})
        self._conn: duckdb.DuckDBPyConnection | None = None
        # Pending tables by bare (renamed, lower-case) name: what DuckDB says is missing.
        self._pending: dict[str, list[Table]] = {}
        seen: set[str] = set()
        for table in catalog.tables:
            key = self._name(f"{table.schema}.{table.name}").lower()
            if key not in seen:
                seen.add(key)
                self._pending.setdefault(self._name(table.name).lower(), []).append(table)

    @property
    def conn(self) -> duckdb.DuckDBPyConnection:
        """The connection, opened on first use (a SQLite verdict that stands never needs DuckDB)."""
        if self._conn is None:
            from tools.duckdb_sandbox import connect_duckdb

            self._conn = connect_duckdb(  # empty tables: no scan to parallelise
                threads=1,
                schemas=[self._name(s) for s in self._schemas],
                search_path=self._default,
                settings=self._settings,
            )
        return self._conn

    def create_missing(self, error: str) -> bool:
        """Create the catalog table a DuckDB "does not exist" error names; False when it names none."""
        import re

        missing = re.search(r"Table with name (.+?) does not exist!", error.partition("\n")[0])
        tables = self._pending.pop(missing.group(1).lower(), None) if missing else None
        if not tables:
            return False
        self.conn.execute(";\n".join(exp_sql(self._create(t)) for t in tables))
        return True

    def create_all(self) -> None:
        pending, self._pending = self._pending, {}
        statements = [exp_sql(self._create(t)) for tables in pending.values() for t in tables]
        if statements:
            self.conn.execute("BEGIN TRANSACTION;\n" + ";\n".join(statements) + ";\nCOMMIT;")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def _create(self, table: Table) -> exp.Create:
        from sqlglot import exp

        type_dialect = SOURCE_DIALECT.get(table.source.kind, self._dialect)  # a DDL file's types: the dialect
        columns = [
            exp.ColumnDef(
                this=exp.to_identifier(self._name(c.name), quoted=True),
                kind=_data_type(duckdb_type(c.type, type_dialect, self.conn)),
            )
            for c in _unique_columns(table, self._name)
        ] or [exp.ColumnDef(this=exp.to_identifier("?column?", quoted=True), kind=_data_type("VARCHAR"))]
        schema = table.schema or self._default
        target = exp.Table(
            this=exp.to_identifier(self._name(table.name), quoted=True),
            db=exp.to_identifier(self._name(schema), quoted=True) if schema else None,
        )
        return exp.Create(this=exp.Schema(this=target, expressions=columns), kind="TABLE")


def duckdb_schema(
    catalog: Catalog,
    dialect: str,
    *,
    rename: Callable[[str], str] | None = None,
    settings: Mapping[str, bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding all the catalog's tables, empty, locked down."""
    sandbox = DuckSandbox(catalog, dialect, rename=rename, settings=settings)
    sandbox.create_all()
    return sandbox.conn


def exp_sql(expression: exp.Expression) -> str:
    from sqlglot.dialects.dialect import Dialect

    return Dialect.get_or_raise("duckdb").generate(expression, copy=False)


def _data_type(type_sql: str) -> exp.DataType:
    """A parsed DuckDB type, parsed once per spelling."""
    if type_sql not in _PARSED_TYPES:
        from sqlglot import exp

        _PARSED_TYPES[type_sql] = exp.DataType.build(type_sql, dialect="duckdb", udt=True)
    return _PARSED_TYPES[type_sql].copy()


_PARSED_TYPES: dict[str, exp.DataType] = {}


def sqlite_schema(catalog: Catalog) -> sqlite3.Connection:
    """An in-memory SQLite holding the catalog's tables, empty, read-only (`query_only`)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    statements = []
    seen: set[str] = set()
    for table in catalog.tables:
        if table.name.lower() in seen:
            continue  # a second table of the same name (another schema): the first one wins
        seen.add(table.name.lower())
        columns = ", ".join(f"{quote(c.name)} {_sqlite_type(c.type)}".rstrip() for c in _unique_columns(table))
        statements.append(f"CREATE TABLE {quote(table.name)} ({columns});")
    conn.executescript("BEGIN;\n" + "\n".join(statements) + "\nCOMMIT;")
    conn.execute("PRAGMA query_only = ON")
    return conn


def _sqlite_type(type_sql: str) -> str:
    # SQLite takes any type name made of words; anything else (STRUCT(...), arrays) keeps its affinity.
    cleaned = type_sql.replace("[]", "")
    if all(ch.isalnum() or ch in " _(),." for ch in cleaned):
        return cleaned if type_sql.upper() != "ANY" else ""
    return _affinity(type_sql)


def _unique_columns(table: Table, name: Callable[[str], str] = str) -> list[Column]:
    seen: set[str] = set()
    columns = []
    for column in table.columns:
        if name(column.name).lower() not in seen:
            seen.add(name(column.name).lower())
            columns.append(column)
    return columns


__all__ = ["DuckSandbox", "duckdb_schema", "duckdb_type", "quote", "sqlite_schema"]
