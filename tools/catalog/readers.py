"""Read a catalog from any schema source: DDL files, DuckDB and SQLite files, data files and globs.

One code path for `validate --schema`, `run --source`, `inspect` and the agents. Databases are
opened read-only; nothing here writes.
"""

from __future__ import annotations

import glob
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.errors import DeassistError

DATA_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
}
DDL_SUFFIXES = {".sql", ".ddl"}
SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at offset 8 of a DuckDB database file


def load_catalog(sources: Sequence[str], dialect: str = "duckdb") -> Catalog:
    """Read every source into one catalog; `dialect` is how DDL files are parsed."""
    catalog = Catalog()
    for spec in sources:
        catalog = catalog.merge(read_source(spec, dialect))
    return catalog


def read_source(spec: str, dialect: str = "duckdb") -> Catalog:
    if any(ch in spec for ch in "*?["):
        paths = sorted(Path(p) for p in glob.glob(spec, recursive=True))
        files = [p for p in paths if p.is_file() and p.suffix.lower() in DATA_SUFFIXES]
        if not files:
            raise DeassistError("DEA-SOURCE-MISSING", f"no data files match {spec}")
        return _read_files(files)
    path = Path(spec)
    if not path.exists():
        raise DeassistError("DEA-SOURCE-MISSING", f"{spec}: no such file or directory")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        if not files:
            raise DeassistError("DEA-SOURCE-EMPTY", f"{spec}: the directory holds no CSV, Parquet or JSON files")
        return _read_files(files)
    head = _read_head(path)
    if head.startswith(SQLITE_MAGIC):
        return _read_sqlite(path)
    if head[8:12] == DUCKDB_MAGIC:
        return _read_duckdb(path)
    suffix = path.suffix.lower()
    if suffix in DDL_SUFFIXES:
        return read_ddl(_read_text(path), dialect, Source("ddl", str(path), str(path)))
    if suffix in DATA_SUFFIXES:
        return _read_files([path])
    raise DeassistError(
        "DEA-SOURCE-UNKNOWN",
        f"{spec}: not a DDL (.sql), DuckDB, SQLite, CSV, Parquet or JSON source",
    )


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except PermissionError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: permission denied") from None
    except OSError as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {exc.strerror}") from None


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DeassistError("DEA-SOURCE-BINARY", f"{path}: binary file, expected SQL text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DeassistError("DEA-SOURCE-ENCODING", f"{path}: not UTF-8 (byte {exc.start})") from None


def read_ddl(text: str, dialect: str, source: Source) -> Catalog:
    """Tables from CREATE TABLE / CREATE VIEW statements; other statements are ignored."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        statements = sqlglot.parse(text, read=dialect)
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        where = f" line {first.get('line')}" if first.get("line") else ""
        raise DeassistError(
            "DEA-SCHEMA-PARSE", f"{source.display}:{where} the DDL does not parse as {dialect}: {first.get('description', exc)}"
        ) from None
    tables: list[Table] = []
    for statement in statements:
        if not isinstance(statement, exp.Create) or statement.kind not in {"TABLE", "VIEW"}:
            continue
        target = statement.this
        table_expr = target.this if isinstance(target, exp.Schema) else target
        if not isinstance(table_expr, exp.Table):
            continue
        columns: list[Column] = []
        primary_key: list[str] = []
        foreign_keys: list[ForeignKey] = []
        if isinstance(target, exp.Schema):
            for item in target.expressions:
                if isinstance(item, exp.ColumnDef):
                    nullable = True
                    for constraint in item.constraints:
                        kind = constraint.kind
                        if isinstance(kind, exp.NotNullColumnConstraint) and not kind.args.get("allow_null"):
                            nullable = False
                        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                            primary_key.append(item.name)
                            nullable = False
                        elif isinstance(kind, exp.Reference):
                            foreign_keys.append(_reference(kind, (item.name,)))
                    kind_sql = item.args["kind"].sql(dialect=dialect) if item.args.get("kind") else "TEXT"
                    columns.append(Column(item.name, kind_sql, nullable))
                elif isinstance(item, exp.PrimaryKey):
                    primary_key.extend(_names(item.expressions))
                elif isinstance(item, exp.ForeignKey):
                    ref = item.args.get("reference")
                    if isinstance(ref, exp.Reference):
                        foreign_keys.append(_reference(ref, tuple(_names(item.expressions))))
                elif isinstance(item, exp.Constraint):
                    for sub in item.expressions:
                        if isinstance(sub, exp.PrimaryKey):
                            primary_key.extend(_names(sub.expressions))
                        elif isinstance(sub, exp.ForeignKey) and isinstance(sub.args.get("reference"), exp.Reference):
                            foreign_keys.append(_reference(sub.args["reference"], tuple(_names(sub.expressions))))
        if primary_key:
            keyset = {k.lower() for k in primary_key}
            columns = [Column(c.name, c.type, False, c.comment) if c.name.lower() in keyset else c for c in columns]
        tables.append(
            Table(
                name=table_expr.name,
                source=source,
                columns=columns,
                primary_key=primary_key,
                foreign_keys=foreign_keys,
                schema=table_expr.db or None,
                kind="view" if statement.kind == "VIEW" else "table",
            )
        )
    if not tables:
        raise DeassistError("DEA-SCHEMA-EMPTY", f"{source.display}: no CREATE TABLE statements found")
    return Catalog(tables)


def _names(expressions: Iterable[object]) -> list[str]:
    from sqlglot import exp

    names = []
    for e in expressions:
        if isinstance(e, exp.Ordered):
            e = e.this
        names.append(e.name if isinstance(e, exp.Expression) else str(e))
    return names


def _reference(ref: object, columns: tuple[str, ...]) -> ForeignKey:
    from sqlglot import exp

    assert isinstance(ref, exp.Reference)
    target = ref.this
    if isinstance(target, exp.Schema):
        return ForeignKey(columns, target.this.name, tuple(_names(target.expressions)))
    return ForeignKey(columns, target.name, ())


def _read_sqlite(path: Path) -> Catalog:
    source = Source("sqlite", str(path), str(path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {exc}") from None
    try:
        rows = conn.execute(
            "SELECT name, type FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        tables = []
        for name, kind in rows:
            info = conn.execute(f'PRAGMA table_info("{name.replace(chr(34), chr(34) * 2)}")').fetchall()
            pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            columns = [Column(r[1], r[2] or "ANY", not (r[3] or r[5])) for r in info]
            fks: dict[int, list[tuple[str, str, str]]] = {}
            for r in conn.execute(f'PRAGMA foreign_key_list("{name.replace(chr(34), chr(34) * 2)}")').fetchall():
                fks.setdefault(r[0], []).append((r[3], r[2], r[4]))
            foreign_keys = [
                ForeignKey(tuple(c for c, _, _ in parts), parts[0][1], tuple(rc for _, _, rc in parts if rc))
                for parts in fks.values()
            ]
            tables.append(Table(name, source, columns, pk, foreign_keys, kind="view" if kind == "view" else "table"))
        return Catalog(tables)
    except sqlite3.DatabaseError as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {exc}") from None
    finally:
        conn.close()


def _read_duckdb(path: Path) -> Catalog:
    import duckdb

    source = Source("duckdb", str(path), str(path))
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {str(exc).splitlines()[0]}") from None
    try:
        columns: dict[tuple[str, str], list[Column]] = {}
        kinds: dict[tuple[str, str], str] = {}
        for schema, table, kind in conn.execute(
            "SELECT schema_name, table_name, 'table' FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal ORDER BY 1, 2"
        ).fetchall():
            kinds[(schema, table)] = kind
            columns[(schema, table)] = []
        for schema, table, name, dtype, nullable in conn.execute(
            "SELECT schema_name, table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index"
        ).fetchall():
            if (schema, table) in columns:
                columns[(schema, table)].append(Column(name, dtype, bool(nullable)))
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
                fks.setdefault((schema, table), []).append(ForeignKey(tuple(cols), ref_table, tuple(ref_cols or ())))
        counts = {
            (s, t): n
            for s, t, n in conn.execute(
                "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()
        }
        return Catalog(
            [
                Table(
                    name=table,
                    source=source,
                    columns=cols,
                    primary_key=pks.get((schema, table), []),
                    foreign_keys=fks.get((schema, table), []),
                    row_count=counts.get((schema, table)),
                    schema=None if schema == "main" else schema,
                    kind="view" if kinds[(schema, table)] == "view" else "table",
                )
                for (schema, table), cols in columns.items()
            ]
        )
    finally:
        conn.close()


def file_reader(path: Path) -> str:
    """The DuckDB table function that reads a data file, with its path quoted."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    kind = DATA_SUFFIXES[path.suffix.lower()]
    if kind == "parquet":
        return f"read_parquet({quoted})"
    if kind == "json":
        return f"read_json_auto({quoted})"
    delim = ", delim='\\t'" if path.suffix.lower() == ".tsv" else ""
    return f"read_csv({quoted}{delim})"


def _read_files(paths: Sequence[Path]) -> Catalog:
    import duckdb

    conn = duckdb.connect(":memory:")
    tables = []
    try:
        for path in paths:
            reader = file_reader(path)
            if path.stat().st_size == 0:
                raise DeassistError("DEA-SOURCE-EMPTY", f"{path}: the file is empty")
            try:
                described = conn.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
            except duckdb.Error as exc:
                message = str(exc).splitlines()[0]
                raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {message}") from None
            columns = [Column(row[0], row[1], True) for row in described]
            tables.append(Table(_table_name(path), Source("files", str(path), str(path)), columns, reader=reader))
    finally:
        conn.close()
    return Catalog(tables)


def _table_name(path: Path) -> str:
    name = path.name
    for suffix in reversed(path.suffixes):
        name = name.removesuffix(suffix)
    return name or path.stem
