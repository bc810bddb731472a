"""Nested SQL up to what DuckDB accepts (999 levels) is read; deeper is one clean DEA-SQL-TOO-DEEP line."""

from __future__ import annotations

import pytest

from tests.conftest import SHOP
from tools.catalog.readers import load_catalog
from tools.errors import DeassistError
from tools.privacy.lineage import trace_output_columns
from tools.sql.run import run_query
from tools.sql.transpile import transpile_sql
from tools.sql.validate import validate_sql


def nested(levels: int) -> str:
    return "SELECT " + "(" * levels + "amount" + ")" * levels + " AS a FROM orders LIMIT 1"


@pytest.fixture(scope="module")
def orders():
    return load_catalog([str(SHOP / "orders.csv")])


@pytest.mark.parametrize("levels", [60, 300, 999])
def test_nesting_duckdb_accepts_is_read_everywhere(levels: int, orders) -> None:
    sql = nested(levels)
    assert validate_sql(sql, orders).valid
    assert transpile_sql(sql, "duckdb", "postgres").sql.count("(") == levels
    assert run_query(sql, orders).columns == ["a"]
    assert [o.name for o in trace_output_columns(sql, orders, "duckdb")] == ["a"]


@pytest.mark.parametrize("command", ["validate", "transpile", "run"])
def test_deeper_nesting_is_one_error_line(command: str, run_cli, tmp_path) -> None:
    query = tmp_path / "deep.sql"
    query.write_text(nested(5000), encoding="utf-8")
    options = {
        "validate": ["--schema", str(SHOP / "orders.csv")],
        "transpile": ["--from", "duckdb", "--to", "postgres"],
        "run": ["--source", str(SHOP / "orders.csv")],
    }[command]
    result = run_cli(command, str(query), *options)
    assert result.code == 1
    assert result.err.startswith("error DEA-SQL-TOO-DEEP:") and len(result.err.strip().splitlines()) == 1


def test_a_recursion_error_inside_is_too_deep_and_the_limit_is_restored() -> None:
    import sys

    from tools.sql.depth import deep_recursion

    def recurse(n: int) -> int:
        return recurse(n + 1)

    before = sys.getrecursionlimit()
    with pytest.raises(DeassistError) as raised, deep_recursion():
        recurse(0)
    assert raised.value.code == "DEA-SQL-TOO-DEEP" and sys.getrecursionlimit() == before


def test_brackets_in_strings_do_not_count() -> None:
    from tools.sql.depth import nesting

    assert nesting("SELECT '((((' AS \"((\", ((1)), [[2]]") == 2
