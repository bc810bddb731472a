"""Prove drafted SQL before it is written: resolve refs, then validate every model in its dialect.

Each model's SQL, with `{{ ref() }}` and `{{ source() }}` replaced by the relations they name, is
validated by `tools.sql` against schema-only tables (the sources, then every model already bound),
so a model that reads a column another model does not produce is caught here, not in `dbt build`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.catalog.model import Catalog, Column, Source, Table
from tools.errors import FAILURE, DeassistError

REF = re.compile(r"\{\{\s*ref\(\s*'([^']+)'\s*\)\s*\}\}")
SOURCE = re.compile(r"\{\{\s*source\(\s*'([^']+)'\s*,\s*'([^']+)'\s*\)\s*\}\}")
DRAFTED = Source("duckdb", "", "drafted model")


@dataclass(frozen=True)
class SourceRelation:
    """A source table as dbt names it (`source_name`, `table`) with the columns it holds."""

    source_name: str
    table: str
    columns: list[Column]


def resolve(sql: str) -> str:
    """The SQL with refs and sources replaced by the sandbox's table names."""
    sql = REF.sub(lambda m: _quote(m.group(1)), sql)
    return SOURCE.sub(lambda m: _quote(f"{m.group(1)}__{m.group(2)}"), sql)


def bind_models(
    sources: list[SourceRelation], models: list[tuple[str, str]], dialect: str = "duckdb"
) -> dict[str, list[Column]]:
    """Validate each (name, sql) in `dialect`, in order; the columns each model produces. Raises on the first failure."""
    import sqlglot

    from tools.sql.sandbox import duckdb_schema
    from tools.sql.validate import validate_sql

    catalog = Catalog([Table(f"{s.source_name}__{s.table}", DRAFTED, list(s.columns)) for s in sources])
    produced: dict[str, list[Column]] = {}
    for name, sql in models:
        resolved = resolve(sql)
        report = validate_sql(resolved, catalog, dialect)
        if not report.valid:
            first = next(d for d in report.diagnostics if d.severity == "error")
            raise DeassistError(
                "DEA-DRAFT-INVALID-SQL", f"model {name} does not bind: {first.code} {first.message}", exit_code=FAILURE
            )
        conn = duckdb_schema(catalog, "duckdb")
        try:
            relation = conn.sql(resolved if dialect == "duckdb" else sqlglot.transpile(resolved, read=dialect, write="duckdb")[0])
            columns = [Column(n, str(t)) for n, t in zip(relation.columns, relation.types, strict=True)]
        finally:
            conn.close()
        produced[name] = columns
        catalog.tables.append(Table(name, DRAFTED, columns))
    return produced


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
