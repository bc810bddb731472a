"""Every source inspect reads, run reads too: hive-partitioned folders, and sources whose table names clash."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tools.catalog import load_catalog
from tools.sql.validate import SqlValidator


@pytest.fixture
def two_sources(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "DATA"
    folder.mkdir()
    (folder / "orders.csv").write_text("id,total\n1,5\n2,6\n")
    shop = tmp_path / "shop.duckdb"
    with duckdb.connect(str(shop)) as conn:
        conn.execute("CREATE TABLE orders AS SELECT i AS id, i * 2 AS amount FROM range(4) t(i)")
        conn.execute("CREATE TABLE customers AS SELECT 1 AS id")
    return folder, shop


@pytest.fixture
def hive(tmp_path: Path) -> Path:
    with duckdb.connect() as conn:
        conn.execute(
            f"COPY (SELECT i AS id, 2020 + i % 3 AS year FROM range(30) t(i)) TO '{tmp_path / 'sales'}' "
            "(FORMAT parquet, PARTITION_BY (year))"
        )
    return tmp_path / "sales"


def test_clashing_sources_are_qualified_by_source_and_inspect_says_so(two_sources, run_cli) -> None:
    folder, shop = two_sources
    result = run_cli("inspect", str(folder), str(shop), "--format", "json")
    payload = json.loads(result.out)
    assert {(t.get("schema"), t["name"]) for t in payload["tables"]} == {
        ("data", "orders"),
        ("shop", "orders"),
        ("shop", "customers"),
    }
    [note] = payload["notes"]
    assert "clash" in note and "data.<table>" in note and "shop.<table>" in note
    assert run_cli("inspect", str(folder), str(shop)).out.startswith("note: table names clash")


def test_sources_without_clashes_keep_their_names(two_sources, tmp_path: Path) -> None:
    folder, _ = two_sources
    other = tmp_path / "other.csv"
    other.write_text("x\n1\n")
    catalog = load_catalog([str(folder), str(other)])
    assert {t.qualified_name for t in catalog.tables} == {"orders", "other"} and catalog.notes == []


def test_run_joins_tables_of_clashing_sources_by_source(two_sources, run_cli) -> None:
    folder, shop = two_sources
    sql = "SELECT d.id, d.total, s.amount FROM data.orders d JOIN shop.orders s ON s.id = d.id ORDER BY 1"
    result = run_cli("run", "--source", str(folder), "--source", str(shop), "--format", "csv", input=sql)
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["id,total,amount", "1,5,2", "2,6,4"]
    assert result.err.startswith("note: table names clash between sources (orders)")


def test_an_unqualified_clashing_name_is_an_unknown_table_with_a_qualified_hint(two_sources) -> None:
    folder, shop = two_sources
    validator = SqlValidator(load_catalog([str(folder), str(shop)]), "duckdb")
    [found] = validator.validate("SELECT * FROM orders").diagnostics
    assert found.code == "DEA-SQL-UNKNOWN-TABLE"
    assert found.suggestion in {"did you mean data.orders?", "did you mean shop.orders?"}


def test_run_reads_a_hive_partitioned_folder(hive: Path, run_cli) -> None:
    sql = "SELECT year, count(*) AS n FROM sales GROUP BY year ORDER BY year"
    result = run_cli("run", "--source", str(hive), "--format", "csv", input=sql)
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["year,n", "2020,10", "2021,10", "2022,10"]


def test_run_still_refuses_other_files_beside_a_folder_source(hive: Path, tmp_path: Path, run_cli) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    result = run_cli("run", "--source", str(hive), input=f"SELECT * FROM read_csv('{secret}')")
    assert result.code != 0 and "DEA-SQL-REFUSED" in result.err
