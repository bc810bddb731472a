"""DuckDB database files, opened read-only; everything comes from four catalog queries."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.errors import DeassistError


def read_duckdb(path: Path) -> Catalog:
    import duckdb

    source = Source("duckdb", str(path), str(path))
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {str(exc).splitlines()[0]}") from None
    try:
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
            )
            for (schema, table), (kind, size, comment) in relations.items()
        ]
    )
