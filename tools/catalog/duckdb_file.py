"""DuckDB database files, opened read-only and locked down; everything comes from catalog queries.

View and macro definitions are read as text and checked (`tools.catalog.external`) before any
column is listed: one that reaches outside the file is reported and never bound or scanned.
"""

from __future__ import annotations

from pathlib import Path

from tools.catalog.external import ExternalObject, external_objects
from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.duckdb_sandbox import connect_duckdb
from tools.errors import DeassistError

DEFINITIONS_SQL = (
    "SELECT view_name, 'view', sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal "
    "UNION ALL SELECT function_name, CASE function_type WHEN 'table_macro' THEN 'table macro' ELSE 'macro' END, "
    "macro_definition FROM duckdb_functions() WHERE database_name = current_database() AND NOT internal "
    "AND function_type IN ('macro', 'table_macro') AND macro_definition IS NOT NULL"
)


def read_duckdb(path: Path) -> Catalog:
    import duckdb

    source = Source("duckdb", str(path), str(path))
    try:
        conn = connect_duckdb(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {str(exc).splitlines()[0]}") from None
    try:
        external = external_objects(conn.execute(DEFINITIONS_SQL).fetchall(), "duckdb")
        relations: dict[tuple[str, str], tuple[str, int | None, str | None]] = {}
        for schema, table, kind, size, comment in conn.execute(
            "SELECT schema_name, table_name, 'table', estimated_size, comment FROM duckdb_tables() "
            "WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name, 'view', NULL, comment FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal ORDER BY 1, 2"
        ).fetchall():
            relations[(schema, table)] = (kind, size, comment)
        columns: dict[tuple[str, str], list[Column]] = {key: [] for key in relations}
        for schema, table, name, dtype, nullable, comment in conn.execute(
            "SELECT schema_name, table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index"
        ).fetchall():
            if (schema, table) in columns:
                columns[(schema, table)].append(Column(name, dtype, bool(nullable), comment or None))
        pks: dict[tuple[str, str], list[str]] = {}
        fks: dict[tuple[str, str], list[ForeignKey]] = {}
        for schema, table, ctype, cols, ref_table, ref_cols in conn.execute(
            "SELECT schema_name, table_name, constraint_type, constraint_column_names, "
            "referenced_table, referenced_column_names FROM duckdb_constraints() "
            "WHERE database_name = current_database() AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
        ).fetchall():
            if ctype == "PRIMARY KEY":
                pks[(schema, table)] = list(cols)
            else:
                fks.setdefault((schema, table), []).append(
                    ForeignKey(tuple(cols), ref_table, tuple(ref_cols or ()), None if schema == "main" else schema)
                )
    except duckdb.Error as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {str(exc).splitlines()[0]}") from None
    finally:
        conn.close()
    hostile: dict[str, ExternalObject] = {o.name.lower(): o for o in external if o.kind == "view"}
    return Catalog(
        [
            Table(
                name=table,
                source=source,
                columns=columns[(schema, table)],
                primary_key=pks.get((schema, table), []),
                foreign_keys=fks.get((schema, table), []),
                row_count=size,
                schema=None if schema == "main" else schema,
                kind="view" if kind == "view" else "table",
                comment=comment or None,
                external=hostile.get(table.lower()) if kind == "view" else None,
            )
            for (schema, table), (kind, size, comment) in relations.items()
        ],
        external,
    )
