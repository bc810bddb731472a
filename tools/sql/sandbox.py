"""Schema-only engines: the catalog as empty tables in an in-memory DuckDB (and SQLite).

The DuckDB sandbox has external access disabled and its configuration locked once the tables
exist, so nothing a query says can read files, load extensions or loosen the settings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from tools.catalog.model import Catalog, Column, Table

if TYPE_CHECKING:
    import duckdb

# Which dialect a source's column types are written in.
TYPE_DIALECT = {"duckdb": "duckdb", "files": "duckdb", "sqlite": "sqlite", "postgres": "postgres", "spark": "spark"}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_type(type_sql: str, dialect: str, conn: duckdb.DuckDBPyConnection) -> str:
    """The DuckDB spelling of a column type; VARCHAR when the type has no DuckDB meaning."""
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


def duckdb_schema(
    catalog: Catalog,
    dialect: str,
    *,
    rename: Callable[[str], str] | None = None,
    settings: Mapping[str, bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the catalog's tables, empty, locked down.

    `rename` spells every schema, table and column name (validation of case-sensitive dialects
    encodes them; see `tools.sql.validate.encode`); `settings` are DuckDB options set before the lock
    (Spark's implicit casts: `tools.sql.spark_rules`).
    """
    import duckdb

    name = rename or (lambda n: n)
    conn = duckdb.connect(":memory:")
    schemas = {t.schema for t in catalog.tables if t.schema}
    for schema in sorted(schemas):
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(name(schema))}")
    seen: set[str] = set()
    for table in catalog.tables:
        key = name(f"{table.schema}.{table.name}").lower()
        if key in seen:
            continue
        seen.add(key)
        type_dialect = dialect if table.source.kind == "ddl" else TYPE_DIALECT.get(table.source.kind, dialect)
        columns = (
            ", ".join(
                f"{quote(name(c.name))} {duckdb_type(c.type, type_dialect, conn)}" for c in _unique_columns(table, name)
            )
            or '"?column?" VARCHAR'
        )
        target = f"{quote(name(table.schema))}.{quote(name(table.name))}" if table.schema else quote(name(table.name))
        conn.execute(f"CREATE TABLE {target} ({columns})")
    for option, value in (settings or {}).items():
        conn.execute(f"SET {option} = {str(value).lower()}")
    conn.execute("SET enable_external_access = false")
    conn.execute("SET autoinstall_known_extensions = false")
    conn.execute("SET autoload_known_extensions = false")
    conn.execute("SET lock_configuration = true")
    return conn


def sqlite_schema(catalog: Catalog) -> sqlite3.Connection:
    """An in-memory SQLite holding the catalog's tables, empty, read-only (`query_only`)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    for table in catalog.tables:
        columns = ", ".join(f"{quote(c.name)} {_sqlite_type(c.type)}".rstrip() for c in _unique_columns(table))
        try:
            conn.execute(f"CREATE TABLE {quote(table.name)} ({columns})")
        except sqlite3.OperationalError:
            continue  # a second table of the same name (another schema): the first one wins
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


__all__ = ["duckdb_schema", "duckdb_type", "quote", "sqlite_schema"]
