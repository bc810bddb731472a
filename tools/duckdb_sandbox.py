"""The one way deassist opens DuckDB: no file, network or extension access beyond what it was given.

Every connection (inspect, profile, run, validate, drafting, quality checks, memory) comes from
`connect_duckdb`. External access is off, only the listed source files and folders are readable,
extensions are neither installed nor loaded, the progress bar is off, spilling goes to a private
directory of this process (never `<cwd>/.tmp`, which DuckDB would otherwise allow), and the
configuration is locked so no statement can loosen any of it.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from tools.catalog.model import Table

_serial = itertools.count(1)


# Settings that change how SQL is typed, never what it may reach: the only ones a caller may pass.
CALLER_SETTINGS = frozenset({"old_implicit_casting"})


@cache
def _private_temp_root() -> str:
    """A directory only this process's user can enter, removed when the process exits."""
    root = tempfile.mkdtemp(prefix="deassist-duckdb-")  # mode 0700
    atexit.register(shutil.rmtree, root, True)
    return root


def connect_duckdb(
    database: str = ":memory:",
    *,
    read_only: bool = False,
    files: Iterable[str] = (),
    directories: Iterable[str] = (),
    memory_limit: str | None = None,
    preserve_insertion_order: bool = True,
    threads: int | None = None,
    schemas: Iterable[str] = (),
    search_path: str | None = None,
    settings: Mapping[str, bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A locked-down connection that may read `database`, `files` (and their WAL) and `directories` only.

    Settings a caller needs are parameters here: once the connection is returned nothing can change them.
    """
    import duckdb

    config: dict[str, str | bool] = {
        "preserve_insertion_order": preserve_insertion_order,
        "temp_directory": os.path.join(_private_temp_root(), f"c{next(_serial)}"),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = str(threads)
    conn = duckdb.connect(database, read_only=read_only, config=config)
    try:
        conn.execute("SET enable_progress_bar = false")
        paths = sorted({os.path.abspath(f) for f in files} | {os.path.abspath(f) + ".wal" for f in files})
        folders = sorted({os.path.join(os.path.abspath(d), "") for d in directories})
        conn.execute("SET allowed_paths = ?", [paths])
        conn.execute("SET allowed_directories = ?", [folders])
        for schema in schemas:  # the search path may only name schemas that exist
            from sqlglot import exp

            conn.execute(exp.Create(this=exp.Table(db=exp.to_identifier(schema, quoted=True)), kind="SCHEMA", exists=True).sql("duckdb"))
        if search_path:
            conn.execute("SET search_path = ?", [search_path])
        for option, value in (settings or {}).items():
            if option not in CALLER_SETTINGS:
                raise ValueError(f"{option} is not a setting a caller may change")
            conn.execute(f"SET {option} = ?", [value])
        conn.execute("SET enable_external_access = false")  # the open database file stays usable
        conn.execute("SET lock_configuration = true")
    except BaseException:
        conn.close()
        raise
    return conn


def connect_for_tables(
    tables: Iterable[Table], *, directories: Iterable[str] = (), memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection that may read exactly the files, folders and DuckDB files of `tables`
    (and the extra `directories`)."""
    files: set[str] = set()
    folders: set[str] = set(directories)
    for table in tables:
        if table.source.kind not in {"files", "duckdb"}:
            continue
        location = table.source.location
        (folders if os.path.isdir(location) else files).add(location)
    return connect_duckdb(files=sorted(files), directories=sorted(folders), memory_limit=memory_limit)


__all__ = ["connect_duckdb", "connect_for_tables"]
