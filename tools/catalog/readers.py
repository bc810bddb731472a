"""Read a catalog from any schema source: one entry point for every reader.

One code path for `validate --schema`, `run --source`, `inspect`, `profile` and the agents. Databases
are opened read-only; nothing here writes.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from tools.catalog.ddl import read_ddl, read_ddl_file
from tools.catalog.duckdb_file import read_duckdb
from tools.catalog.files import DATA_SUFFIXES, file_reader, is_data_file, read_directory, read_files
from tools.catalog.model import Catalog
from tools.catalog.postgres import is_postgres_dsn, read_postgres, redact_dsn
from tools.catalog.sqlite_file import read_sqlite
from tools.errors import DeassistError
from tools.sql.spark_engine import is_spark_source, redact_spark_url

DDL_SUFFIXES = {".sql", ".ddl"}
SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at offset 8 of a DuckDB database file


def load_catalog(sources: Sequence[str], dialect: str = "duckdb") -> Catalog:
    """Read every source into one catalog; `dialect` is how DDL files are parsed.

    When two sources hold tables of the same name, every table of those sources that sits in its
    source's default schema is qualified by a schema named after its source (`shop.orders`,
    `data.orders`), and the catalog's notes say so.
    """
    read = [read_source(spec, dialect) for spec in sources]
    return qualify_clashes(read, list(sources))


def qualify_clashes(catalogs: list[Catalog], specs: list[str]) -> Catalog:
    from dataclasses import replace

    owners: dict[str, set[int]] = {}
    for index, catalog in enumerate(catalogs):
        for table in catalog.tables:
            owners.setdefault(table.qualified_name.lower(), set()).add(index)
    clashing = sorted({i for found in owners.values() if len(found) > 1 for i in found})
    merged = Catalog()
    names = _source_names(specs)
    for index, catalog in enumerate(catalogs):
        if index in clashing:
            tables = [
                replace(t, schema=names[index], source_schema="") if t.schema is None else t
                for t in catalog.tables
            ]
            catalog = Catalog(tables, catalog.external, catalog.notes)
        merged = merged.merge(catalog)
    if clashing:
        clashes = sorted({n for n, found in owners.items() if len(found) > 1})
        merged.notes.append(
            f"table names clash between sources ({', '.join(clashes[:5])}{', ...' if len(clashes) > 5 else ''}): "
            + "; ".join(f"tables of {_display(specs[i])} are named {names[i]}.<table>" for i in clashing)
        )
    return merged


def _source_names(specs: list[str]) -> list[str]:
    """A schema name per source, from its file or folder name (`shop.duckdb` -> shop), unique."""
    import re

    names: list[str] = []
    for spec in specs:
        stem = "db" if is_postgres_dsn(spec) else Path(spec.rstrip("/\\")).name.split(".")[0]
        base = re.sub(r"\W+", "_", stem).strip("_").lower() or "source"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}_{n}"
        names.append(name)
    return names


def read_source(spec: str, dialect: str = "duckdb") -> Catalog:
    catalog = _read_source(spec, dialect)
    if not catalog.tables:
        shown = _display(spec)
        raise DeassistError("DEA-SOURCE-EMPTY", f"{shown}: holds no tables or views")
    return catalog


def _display(spec: str) -> str:
    """How a source is named in messages: connection strings lose their password."""
    if is_spark_source(spec):
        return redact_spark_url(spec)
    return redact_dsn(spec) if is_postgres_dsn(spec) else spec


def _read_source(spec: str, dialect: str) -> Catalog:
    if is_spark_source(spec):
        from tools.catalog.spark import read_spark

        return read_spark(spec)
    if is_postgres_dsn(spec):
        return read_postgres(spec)
    if any(ch in spec for ch in "*?["):
        files = [p for p in sorted(Path(p) for p in glob.glob(spec, recursive=True)) if p.is_file() and is_data_file(p)]
        if not files:
            raise DeassistError("DEA-SOURCE-MISSING", f"{spec}: no CSV, TSV, Parquet, JSON or NDJSON files match")
        return read_files(files)
    path = Path(spec)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except PermissionError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{spec}: permission denied") from None
    if not exists:
        raise DeassistError("DEA-SOURCE-MISSING", f"{spec}: no such file or directory")
    if is_dir:
        return read_directory(path)
    if not path.is_file():  # opening a FIFO would wait for a writer forever; a device may never end
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{spec}: not a regular file (a FIFO, socket or device)")
    head = _read_head(path)
    if head.startswith(SQLITE_MAGIC):
        return read_sqlite(path)
    if head[8:12] == DUCKDB_MAGIC:
        return read_duckdb(path)
    suffix = path.suffix.lower()
    if suffix in DDL_SUFFIXES:
        return read_ddl_file(path, dialect)
    if suffix in DATA_SUFFIXES:
        return read_files([path])
    raise DeassistError(
        "DEA-SOURCE-UNKNOWN",
        f"{spec}: not a DDL (.sql), DuckDB, SQLite, CSV, TSV, Parquet, JSON or NDJSON source, nor a postgresql:// URL",
    )


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except PermissionError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: permission denied") from None
    except OSError as exc:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: {exc.strerror}") from None


__all__ = ["file_reader", "load_catalog", "read_ddl", "read_source"]
