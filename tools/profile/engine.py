"""One in-memory DuckDB that can read every catalog table, whatever its source.

Files are read through their table function (Parquet in place; CSV and JSON parsed once into a
temporary table), DuckDB files are attached read-only, and SQLite and PostgreSQL tables are copied
in through CSV (DuckDB's own scanners for them are extensions that need a download). Database
copies stop at `row_limit` rows, and the profile says so.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from tools.catalog.external import EXTERNAL
from tools.catalog.model import Table
from tools.errors import DeassistError
from tools.sql.policy import SqlPolicy

# DuckDB spills to disk past this, so profiling a large table stays well under 2 GB of memory.
MEMORY_LIMIT = "1GB"
# DuckDB types that read PostgreSQL's CSV text of the same type without loss (bare DECIMAL would
# round to DuckDB's default scale, so only DECIMAL with its precision counts).
CSV_EXACT_TYPES = (
    r"(SMALLINT|INT|INTEGER|BIGINT|REAL|FLOAT|DOUBLE|BOOLEAN|DATE|TIME|TIMESTAMP|TEXT|VARCHAR)(\(\d+\))?"
    r"|DECIMAL\(\d+,\s*\d+\)"
)
# Text files up to this size are parsed once into memory; larger ones are re-read by each pass.
MATERIALIZE_BYTES = 512 * 1024 * 1024


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class ProfileEngine:
    def __init__(self, *, row_limit: int, tables: Sequence[Table], policy: SqlPolicy | None = None) -> None:
        """`policy` is what the user allowed beyond the defaults: whether a privileged PostgreSQL role may
        be used, since reading a view runs its definition as the connected role (`tools.sql.pg_guard`)."""
        from tools.duckdb_sandbox import connect_for_tables

        self._tmp = tempfile.TemporaryDirectory(prefix="deassist-profile-")
        # Readable: the tables' own files and the folder where database rows are staged as CSV.
        self.conn = connect_for_tables(tables, directories=[self._tmp.name], memory_limit=MEMORY_LIMIT)
        self.row_limit = row_limit
        self._attached: dict[str, str] = {}
        self._in_memory: set[str] = set()  # tables copied into this engine: counting them is free
        self._postgres: dict[str, object] = {}  # one read-only connection per server and database
        self._policy = policy or SqlPolicy()
        self._count = 0

    def close(self) -> None:
        for conn in self._postgres.values():
            conn.close()
        self.conn.close()
        self._tmp.cleanup()

    def relation(self, table: Table) -> tuple[str, list[str]]:
        """A SQL relation reading `table` in this engine, and notes about how it was read."""
        import duckdb

        if table.external is not None:
            raise DeassistError(EXTERNAL, f"{table.source.display}: {table.external.message}")
        self._count += 1
        kind = table.source.kind
        try:
            if kind == "files" and table.reader:
                if "read_parquet" in table.reader or _size(table) > MATERIALIZE_BYTES:  # folders count as large
                    return f"(SELECT * FROM {table.reader})", []
                name = f"t{self._count}"
                self.conn.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {table.reader}")
                self._in_memory.add(name)
                return name, []
            if kind == "duckdb":
                alias = self._attach(table.source.location)
                return f"{alias}.{quote_ident(table.schema_at_source or 'main')}.{quote_ident(table.name)}", []
            if kind == "sqlite":
                return self._stage(table, _sqlite_rows(table, self.row_limit + 1))
            if kind == "postgres":
                return self._stage_postgres(table)
            if kind == "spark":
                from tools.catalog.spark import spark_rows

                return self._stage(table, spark_rows(table, self.row_limit + 1))
        except duckdb.Error as exc:
            raise read_error(table, exc) from None
        raise DeassistError(
            "DEA-PROFILE-NO-DATA", f"{table.source.display}: {table.name} comes from DDL and holds no rows to profile"
        )

    def estimated_rows(self, table: Table, relation: str) -> int | None:
        """Rows known without a scan: catalog metadata, or the size of a table copied into memory."""
        if relation in self._in_memory:
            return self.conn.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
        return table.row_count

    def _attach(self, path: str) -> str:
        if path not in self._attached:
            alias = f"src{len(self._attached) + 1}"
            self.conn.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS {alias} (READ_ONLY)")
            self._attached[path] = alias
        return self._attached[path]

    def _stage(self, table: Table, rows: Iterable[tuple]) -> tuple[str, list[str]]:
        path = Path(self._tmp.name) / f"t{self._count}.csv"
        copied = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(",".join(_csv_field(c.name) for c in table.columns) + "\n")
            for row in rows:
                copied += 1
                if copied > self.row_limit:
                    break
                out.write(",".join("" if v is None else _csv_field(v) for v in row) + "\n")
        return self._load_csv(path, copied)

    def _stage_postgres(self, table: Table) -> tuple[str, list[str]]:
        import psycopg

        from tools.catalog.postgres import connect
        from tools.sql.pg_guard import check_role

        path = Path(self._tmp.name) / f"t{self._count}.csv"
        qualified = f"{quote_ident(table.schema_at_source or 'public')}.{quote_ident(table.name)}"
        conn = self._postgres.get(table.source.location)
        if conn is None:
            conn = connect(table.source.location)
            try:
                check_role(conn, self._policy)
            except BaseException:
                conn.close()
                raise
            self._postgres[table.source.location] = conn
        try:
            with conn.transaction(), conn.cursor() as cur, path.open("wb") as out:
                # FORCE_QUOTE * quotes every value, so an unquoted empty field is NULL and "" is ''.
                copy_sql = (
                    f"COPY (SELECT * FROM {qualified} LIMIT {self.row_limit + 1}) "
                    "TO STDOUT (FORMAT csv, HEADER, FORCE_QUOTE *)"
                )
                with cur.copy(copy_sql) as copy:
                    for chunk in copy:
                        out.write(chunk)
        except psycopg.Error as exc:
            raise DeassistError(
                "DEA-PROFILE-READ", f"{table.source.display}: {table.name}: {str(exc).splitlines()[0]}"
            ) from None
        lines = _count_records(path)
        return self._load_csv(path, lines, self._declared_types(table))

    def _declared_types(self, table: Table) -> str:
        """read_csv's `types` for the columns whose declared type DuckDB reads from CSV text exactly,
        so the profile shows numeric(10,2) as DECIMAL(10,2) and integer as INTEGER, not a guess."""
        from tools.sql.sandbox import duckdb_type

        pairs = []
        for column in table.columns:
            kind = duckdb_type(column.type, "postgres", self.conn)
            if re.fullmatch(CSV_EXACT_TYPES, kind, re.IGNORECASE):
                pairs.append(f"{_literal(column.name)}: {_literal(kind)}")
        return "{" + ", ".join(pairs) + "}" if pairs else ""

    def _load_csv(self, path: Path, copied: int, types: str = "") -> tuple[str, list[str]]:
        import duckdb

        name = f"t{self._count}"
        read = (
            f"read_csv('{path}', header = true, allow_quoted_nulls = false, sample_size = -1, delim = ',', "
            f"quote = '\"', escape = '\"'"
        )
        try:
            self.conn.execute(
                f"CREATE TEMP TABLE {name} AS SELECT * FROM {read}{f', types = {types}' if types else ''}) "
                f"LIMIT {self.row_limit}"
            )
        except duckdb.ConversionException:  # a value the declared type does not read: let DuckDB sniff
            self.conn.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {read}) LIMIT {self.row_limit}")
        path.unlink()
        self._in_memory.add(name)
        notes = [f"profiled the first {self.row_limit:,} rows"] if copied > self.row_limit else []
        return name, notes


def read_error(table: Table, exc: Exception) -> DeassistError:
    """A failure reading a table's data (a bad row past what inspect checked, a vanished file)."""
    from tools.catalog.files import duckdb_read_error

    if table.source.kind == "files":
        return duckdb_read_error(Path(table.source.location), exc)
    return DeassistError("DEA-PROFILE-READ", f"{table.source.display}: {table.name}: {str(exc).splitlines()[0]}")


def _size(table: Table) -> int:
    location = table.source.location
    if os.path.isdir(location):
        return MATERIALIZE_BYTES + 1
    try:
        return os.path.getsize(location)
    except OSError:
        return 0


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _csv_field(value: object) -> str:
    if isinstance(value, bytes):
        value = value.hex()
    return '"' + str(value).replace('"', '""') + '"'


def _count_records(path: Path) -> int:
    """Rows in a COPY ... CSV HEADER output (an upper bound when values hold newlines)."""
    with path.open("rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _sqlite_rows(table: Table, limit: int) -> Iterable[tuple]:
    conn = sqlite3.connect(f"{Path(table.source.location).resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield from conn.execute(f"SELECT * FROM {quote_ident(table.name)} LIMIT {limit}")
    except sqlite3.Error as exc:
        raise DeassistError("DEA-PROFILE-READ", f"{table.source.display}: {table.name}: {exc}") from None
    finally:
        conn.close()
