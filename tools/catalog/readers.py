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
    """Read every source into one catalog; `dialect` is how DDL files are parsed."""
    catalog = Catalog()
    for spec in sources:
        catalog = catalog.merge(read_source(spec, dialect))
    return catalog


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
