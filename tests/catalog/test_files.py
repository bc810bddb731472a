"""Data files the tests write, tidy and messy, read into the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.catalog import load_catalog
from tools.errors import DeassistError


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_every_file_format_becomes_a_table_with_types_and_cheap_row_counts(tmp_path: Path):
    write(tmp_path / "orders.csv", "id,amount,placed\n1,9.5,2025-01-02\n2,12.25,2025-01-03\n")
    write(tmp_path / "events.tsv", "at\tkind\n2025-01-01 10:00:00\tclick\n2025-01-01 10:05:00\tview\n")
    write(tmp_path / "users.json", json.dumps([{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}]))
    write(tmp_path / "logs.ndjson", '{"level": "info", "ms": 3}\n{"level": "warn", "ms": 12}\n{"level": "info"}\n')
    write(tmp_path / "clicks.jsonl", '{"x": 1}\n')
    with duckdb.connect() as conn:
        conn.execute(f"COPY (SELECT range AS id, range * 2.5 AS v FROM range(777)) TO '{tmp_path / 'facts.parquet'}'")
    catalog = load_catalog([str(tmp_path)])
    tables = {t.name: t for t in catalog.tables}
    assert set(tables) == {"orders", "events", "users", "logs", "clicks", "facts"}
    assert [(c.name, c.type) for c in tables["orders"].columns] == [
        ("id", "BIGINT"),
        ("amount", "DOUBLE"),
        ("placed", "DATE"),
    ]
    assert [(c.name, c.type) for c in tables["events"].columns] == [("at", "TIMESTAMP"), ("kind", "VARCHAR")]
    assert tables["users"].column("tags").type == "VARCHAR[]"
    assert [(c.name, c.type) for c in tables["logs"].columns] == [("level", "VARCHAR"), ("ms", "BIGINT")]
    assert {name: t.row_count for name, t in tables.items()} == {
        "orders": 2,
        "events": 2,
        "users": 2,
        "logs": 3,
        "clicks": 1,
        "facts": 777,
    }
    with duckdb.connect() as conn:  # the reader each table carries is what queries use
        assert conn.execute(f"SELECT sum(ms) FROM {tables['logs'].reader}").fetchone()[0] == 15


def test_globs_match_files_and_report_when_nothing_matches(tmp_path: Path):
    for month in ("01", "02"):
        write(tmp_path / f"sales_2025_{month}.csv", "id,total\n1,2\n")
    write(tmp_path / "notes.md", "# not data")
    catalog = load_catalog([str(tmp_path / "sales_*.csv")])
    assert [t.name for t in catalog.tables] == ["sales_2025_01", "sales_2025_02"]
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(tmp_path / "*.parquet")])
    assert caught.value.code == "DEA-SOURCE-MISSING"


def test_hive_partitioned_folders_are_one_table_with_their_partition_columns(tmp_path: Path):
    lake = tmp_path / "lake"
    lake.mkdir()
    with duckdb.connect() as conn:
        conn.execute(
            "COPY (SELECT range AS id, 2024 + range % 2 AS year, 1 + range % 3 AS month, range * 1.5 AS amount "
            f"FROM range(600)) TO '{lake / 'sales'}' (FORMAT parquet, PARTITION_BY (year, month))"
        )
    write(lake / "customers.csv", "id,name\n1,a\n")
    catalog = load_catalog([str(lake)])
    assert sorted(t.name for t in catalog.tables) == ["customers", "sales"]
    sales = catalog.table("sales")
    assert {c.name for c in sales.columns} == {"id", "amount", "year", "month"}
    assert sales.row_count == 600
    by_itself = load_catalog([str(lake / "sales")])  # the partitioned folder itself
    assert [t.name for t in by_itself.tables] == ["sales"]
    with duckdb.connect() as conn:
        assert conn.execute(f"SELECT count(*) FROM {sales.reader} WHERE year = 2025").fetchone()[0] == 300


# name, content, code, the message after the path (path first, then line where it applies)
MESSY = [
    (
        "ragged.csv",
        "id,name,city\n1,Ada,London\n2,Grace\n3,Alan,Wilmslow\n",
        "DEA-SOURCE-RAGGED",
        "line 3: 2 fields where the header has 3 (delimiter ',')",
    ),
    (
        "extra.csv",
        "id;name\n1;Ada\n2;Grace;Hopper\n",
        "DEA-SOURCE-RAGGED",
        "line 3: 3 fields where the header has 2 (delimiter ';')",
    ),
    (
        "wrong_delimiter.tsv",
        "id,name\n1,Ada\n",
        "DEA-SOURCE-DELIMITER",
        "line 1: no tab in the header but 1 ','; the file is not tab-separated (rename it .csv)",
    ),
    (
        "latin1.csv",
        "id,city\n1,Köln\n2,Málaga\n".encode("latin-1"),
        "DEA-SOURCE-ENCODING",
        "line 2: not UTF-8 (byte 0xf6 at offset 11); convert it, e.g. iconv -f latin1 -t utf-8",
    ),
    ("empty.csv", b"", "DEA-SOURCE-EMPTY", "the file is empty"),
    ("blank.ndjson", "\n\n  \n", "DEA-SOURCE-EMPTY", "the file holds only blank lines"),
    (
        "image.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "DEA-SOURCE-BINARY",
        "binary data, not CSV text",
    ),
    ("fake.parquet", "id,name\n1,a\n", "DEA-SOURCE-FORMAT", "not a Parquet file (no PAR1 header)"),
    (
        "broken.ndjson",
        '{"a": 1}\n{"a": 2\n{"a": 3}\n',
        "DEA-SOURCE-JSON",
        "line 2: not valid JSON (Expecting ',' delimiter at column 8)",
    ),
]


@pytest.mark.parametrize(("name", "content", "code", "message"), MESSY, ids=[m[0] for m in MESSY])
def test_messy_files_fail_with_one_line_naming_the_file(tmp_path: Path, name, content, code, message):
    path = write(tmp_path / name, content)
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(path)])
    assert caught.value.code == code
    assert caught.value.message.startswith(f"{path}: ")
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_a_bad_row_past_the_first_lines_is_still_found(tmp_path: Path):
    rows = "".join(f"{i},name {i},{i * 3}\n" for i in range(5000))
    path = write(tmp_path / "late.csv", "id,name,score\n" + rows + "5000,oops\n")
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(path)])
    assert caught.value.message == f"{path}: line 5002: 2 fields where the header has 3 (delimiter ',')"


def test_quoted_delimiters_and_newlines_are_not_ragged(tmp_path: Path):
    path = write(tmp_path / "quoted.csv", 'id,comment\n1,"a, b"\n2,"two\nlines"\n3,plain\n')
    table = load_catalog([str(path)]).tables[0]
    assert [c.name for c in table.columns] == ["id", "comment"]
    assert table.row_count == 3


def test_missing_paths_and_unknown_files(tmp_path: Path):
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(tmp_path / "nope.csv")])
    assert (caught.value.code, caught.value.message) == (
        "DEA-SOURCE-MISSING",
        f"{tmp_path / 'nope.csv'}: no such file or directory",
    )
    odd = write(tmp_path / "report.xlsx", b"PK\x03\x04")
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(odd)])
    assert caught.value.code == "DEA-SOURCE-UNKNOWN"
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(empty_dir)])
    assert caught.value.code == "DEA-SOURCE-EMPTY"


def test_ddl_in_another_dialect_and_ddl_errors(tmp_path: Path):
    ddl = write(
        tmp_path / "schema.sql",
        "-- people\nCREATE TABLE `people` (`id` INT NOT NULL AUTO_INCREMENT, `email` VARCHAR(200), PRIMARY KEY (`id`));\n"
        "CREATE TABLE pets (id INT PRIMARY KEY, owner_id INT, FOREIGN KEY (owner_id) REFERENCES people (id));\n",
    )
    catalog = load_catalog([str(ddl)], "mysql")
    assert catalog.table("people").primary_key == ["id"]
    assert catalog.table("people").comment == "people"
    assert catalog.table("pets").foreign_keys[0].ref_table == "people"
    bad = write(tmp_path / "bad.sql", "CREATE TABLE t (id INT,\n  name TEXT\n  oops oops oops (;\n")
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(bad)])
    assert caught.value.code == "DEA-SCHEMA-PARSE" and str(bad) in caught.value.message
    latin = write(tmp_path / "latin.sql", "-- caf\xe9\nCREATE TABLE t (id INT);\n".encode("latin-1"))
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(latin)])
    assert caught.value.message == f"{latin}: line 1: not UTF-8 (byte 6)"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.integers(min_value=2, max_value=6),  # a one-column header cannot show its delimiter
    rows=st.integers(min_value=1, max_value=40),
    bad=st.data(),
    delimiter=st.sampled_from([",", ";", "|"]),
)
def test_ragged_rows_are_found_at_their_line_and_only_there(tmp_path: Path, width, rows, bad, delimiter):
    header = delimiter.join(f"c{i}" for i in range(width))
    body = [delimiter.join(f"v{r}x{i}" for i in range(width)) for r in range(rows)]
    path = write(tmp_path / f"even_{width}_{rows}.csv", "\n".join([header, *body]) + "\n")
    assert load_catalog([str(path)]).tables[0].row_count == rows
    broken_at = bad.draw(st.integers(min_value=0, max_value=rows - 1))
    other_width = bad.draw(st.integers(min_value=1, max_value=8).filter(lambda w: w != width))
    body[broken_at] = delimiter.join(f"z{i}" for i in range(other_width))
    ragged = write(tmp_path / f"ragged_{width}_{rows}.csv", "\n".join([header, *body]) + "\n")
    with pytest.raises(DeassistError) as caught:
        load_catalog([str(ragged)])
    assert caught.value.message.startswith(
        f"{ragged}: line {broken_at + 2}: {other_width} fields where the header has {width}"
    )
