"""Data files: CSV/TSV, Parquet, JSON and NDJSON; single files, globs, directories, hive partitions.

Each table carries the DuckDB table function that reads it (`Table.reader`), so validation, `run`
and the profiler query files through one engine. Text files are checked before DuckDB sees them:
its CSV sniffer quietly "repairs" ragged rows and guesses around bad bytes, and a data engineer
wants to hear about both, with the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

from tools.catalog.model import Catalog, Column, Source, Table
from tools.duckdb_sandbox import connect_duckdb
from tools.errors import DeassistError

DATA_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
# Text files are checked in full up to this size, and their rows counted; beyond it only the head.
CHECKED_BYTES = 8 * 1024 * 1024
CSV_DELIMITERS = (",", "\t", ";", "|")
PARQUET_MAGIC = b"PAR1"


def is_data_file(path: Path) -> bool:
    return path.suffix.lower() in DATA_SUFFIXES


def file_reader(path: Path) -> str:
    """The DuckDB table function that reads a data file, with its path quoted."""
    return _reader_for(_quote(str(path)), DATA_SUFFIXES[path.suffix.lower()])


def read_files(paths: Sequence[Path]) -> Catalog:
    """One table per file."""
    conn = connect_duckdb(files=[str(p) for p in paths])
    try:
        return Catalog([_file_table(conn, path) for path in paths])
    finally:
        conn.close()


def read_directory(path: Path) -> Catalog:
    """A table per data file at the top, and one per hive-partitioned folder (or the folder itself)."""
    children = _list_dir(path)
    conn = connect_duckdb(directories=[str(path)])
    try:
        if any(_is_partition_dir(child) for child in children):
            return Catalog([_hive_table(conn, path)])
        tables = [_file_table(conn, child) for child in children if child.is_file() and is_data_file(child)]
        for child in children:
            if child.is_dir() and any(_is_partition_dir(grandchild) for grandchild in _list_dir(child)):
                tables.append(_hive_table(conn, child))
    finally:
        conn.close()
    if not tables:
        raise DeassistError(
            "DEA-SOURCE-EMPTY", f"{path}: the directory holds no CSV, TSV, Parquet, JSON or NDJSON files"
        )
    return Catalog(tables)


def _list_dir(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except PermissionError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: permission denied") from None


def _is_partition_dir(path: Path) -> bool:
    return path.is_dir() and re.fullmatch(r"[^=]+=[^=]*", path.name) is not None


def _hive_table(conn: object, folder: Path) -> Table:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and is_data_file(p))
    if not files:
        raise DeassistError("DEA-SOURCE-EMPTY", f"{folder}: the partitioned folder holds no data files")
    kinds = {DATA_SUFFIXES[p.suffix.lower()] for p in files}
    if len(kinds) > 1:
        raise DeassistError(
            "DEA-SOURCE-MIXED", f"{folder}: partitions mix formats ({', '.join(sorted(kinds))}); keep one per table"
        )
    kind = kinds.pop()
    for file in files:
        _check_file(file, kind)
    suffixes = {p.suffix for p in files}
    # A glob keeps the reader short for thousands of partitions and picks up partitions added later.
    listed = (
        _quote(f"{folder}/**/*{suffixes.pop()}")
        if len(suffixes) == 1
        else "[" + ", ".join(_quote(str(p)) for p in files) + "]"
    )
    reader = _reader_for(listed, kind, hive=True)
    columns = _describe(conn, reader, folder)
    row_count = _parquet_rows(conn, listed) if kind == "parquet" else None
    source = Source("files", str(folder), str(folder))
    return Table(folder.name, source, columns, row_count=row_count, reader=reader)


def _file_table(conn: object, path: Path) -> Table:
    kind = DATA_SUFFIXES[path.suffix.lower()]
    checked_in_full = _check_file(path, kind)
    reader = file_reader(path)
    columns = _describe(conn, reader, path)
    row_count = None
    if kind == "parquet":
        row_count = _parquet_rows(conn, _quote(str(path)))
    elif checked_in_full:
        # Small text files: DuckDB's own count (headers, quoted newlines and JSON arrays handled).
        row_count = _count(conn, reader, path)
    return Table(_table_name(path), Source("files", str(path), str(path)), columns, row_count=row_count, reader=reader)


def _reader_for(quoted: str, kind: str, *, hive: bool = False) -> str:
    extra = ", hive_partitioning = true" if hive else ""
    if kind == "parquet":
        return f"read_parquet({quoted}{extra})"
    if kind == "ndjson":
        return f"read_json({quoted}, format = 'newline_delimited'{extra})"
    if kind == "json":
        return f"read_json_auto({quoted}{extra})"
    delim = ", delim = '\\t'" if kind == "tsv" else ""
    return f"read_csv({quoted}{delim}, strict_mode = true{extra})"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _describe(conn, reader: str, path: Path) -> list[Column]:  # noqa: ANN001 - a duckdb connection
    import duckdb

    try:
        described = conn.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except duckdb.Error as exc:
        raise duckdb_read_error(path, exc) from None
    return [Column(row[0], row[1], True) for row in described]


def _count(conn, reader: str, path: Path) -> int:  # noqa: ANN001
    import duckdb

    try:
        return conn.execute(f"SELECT count(*) FROM {reader}").fetchone()[0]
    except duckdb.Error as exc:
        raise duckdb_read_error(path, exc) from None


def _parquet_rows(conn, quoted: str) -> int | None:  # noqa: ANN001
    row = conn.execute(f"SELECT sum(num_rows)::BIGINT FROM parquet_file_metadata({quoted})").fetchone()
    return row[0] if row else None


def duckdb_read_error(path: Path, exc: Exception) -> DeassistError:
    """DuckDB's multi-line reader error as one line naming the file and, when it knows, the line."""
    text = str(exc)
    line = re.search(r"(?:CSV Error on Line|line)[:\s]+(\d+)", text, re.IGNORECASE)
    reason = ""
    for candidate in text.splitlines()[1:]:
        candidate = candidate.strip()
        if candidate and not candidate.startswith(("Original Line", "LINE ", "Possible Solution", "^")):
            reason = candidate
            break
    if not reason:
        reason = re.sub(r"^[A-Za-z ]*Error:\s*", "", text.splitlines()[0]) if text else type(exc).__name__
    reason = re.sub(r'\s*in file "[^"]*"', "", reason).rstrip(". ")
    where = f" line {line.group(1)}:" if line else ""
    return DeassistError("DEA-SOURCE-UNREADABLE", f"{path}:{where} {reason}")


def _check_file(path: Path, kind: str) -> bool:
    """Refuse files DuckDB would misread; True when a text file was checked in full (so counting it is cheap)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(PARQUET_MAGIC) if kind == "parquet" else CHECKED_BYTES + 1)
    except PermissionError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: permission denied") from None
    except IsADirectoryError:
        raise DeassistError("DEA-SOURCE-UNREADABLE", f"{path}: is a directory, expected a data file") from None
    if not head:
        raise DeassistError("DEA-SOURCE-EMPTY", f"{path}: the file is empty")
    if kind == "parquet":
        if not head.startswith(PARQUET_MAGIC):
            raise DeassistError("DEA-SOURCE-FORMAT", f"{path}: not a Parquet file (no PAR1 header)")
        return False
    if b"\x00" in head[:8192]:
        raise DeassistError("DEA-SOURCE-BINARY", f"{path}: binary data, not {kind.upper()} text")
    complete = len(head) <= CHECKED_BYTES
    text = _decode(path, head if complete else head[:CHECKED_BYTES], complete)
    if not text.strip():
        raise DeassistError("DEA-SOURCE-EMPTY", f"{path}: the file holds only blank lines")
    if kind in {"csv", "tsv"}:
        _check_csv(path, text, kind, complete)
    elif kind == "ndjson":
        _check_ndjson(path, text, complete)
    return complete


def _decode(path: Path, data: bytes, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        return decoder.decode(data, final=complete)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeassistError(
            "DEA-SOURCE-ENCODING",
            f"{path}: line {line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it, e.g. iconv -f latin1 -t utf-8",
        ) from None


def _check_csv(path: Path, text: str, kind: str, complete: bool) -> None:
    if not complete:
        text = text[: text.rfind("\n") + 1]
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in CSV_DELIMITERS}
    if kind == "tsv":
        delimiter = "\t"
        if counts["\t"] == 0 and max(counts.values()) > 0:
            found = max(counts, key=counts.__getitem__)
            raise DeassistError(
                "DEA-SOURCE-DELIMITER",
                f"{path}: line 1: no tab in the header but {counts[found]} '{found}'; "
                "the file is not tab-separated (rename it .csv)",
            )
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    expected: int | None = None
    for row in reader:
        if not row or row == [""]:
            continue
        if expected is None:
            expected = len(row)
            continue
        if len(row) != expected:
            shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
            raise DeassistError(
                "DEA-SOURCE-RAGGED",
                f"{path}: line {reader.line_num}: {len(row)} fields where the header has {expected} "
                f"(delimiter {shown})",
            )


def _check_ndjson(path: Path, text: str, complete: bool) -> None:
    lines = text.split("\n")
    if not complete:
        lines = lines[:-1]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except ValueError as exc:
            reason = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise DeassistError("DEA-SOURCE-JSON", f"{path}: line {number}: not valid JSON ({reason})") from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most fields (a comma when none does)."""
    header = text.split("\n", 1)[0]
    widths = {d: len(next(csv.reader([header], delimiter=d), [""])) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: (widths[d], d == ","))
    return best if widths[best] > 1 else ","


def _table_name(path: Path) -> str:
    name = path.name
    for suffix in reversed(path.suffixes):
        name = name.removesuffix(suffix)
    return name or path.stem
