"""Transpilation never loses a construct in silence, and never calls clean what the target rejects."""

from __future__ import annotations

import pytest
import yaml

from tests.sql.conftest import FIXTURES
from tools.catalog import load_catalog
from tools.errors import DeassistError
from tools.sql import transpile_sql

CASES = yaml.safe_load((FIXTURES / "transpile.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['from']}-{c['to']}-{i}" for i, c in enumerate(CASES)])
def test_transpile(case: dict) -> None:
    catalog = load_catalog([str(FIXTURES / "schema.sql")], case["to"]) if case.get("schema") else None
    result = transpile_sql(case["sql"], case["from"], case["to"], catalog)
    if "out" in case:
        assert result.sql == case["out"]
    assert sorted(w.code for w in result.warnings) == sorted(case["codes"]), result.warnings
    assert result.rejected is case["rejected"]


def test_lost_format_argument_is_a_warning_with_its_position() -> None:
    result = transpile_sql("SELECT 1;\nSELECT TO_VARCHAR(d, 'YYYY') FROM t", "snowflake", "duckdb")
    assert result.sql == "SELECT 1;\nSELECT CAST(d AS TEXT) FROM t;"
    [warning] = result.warnings
    assert (warning.code, warning.line, warning.text) == ("DEA-SQL-UNSUPPORTED-CONSTRUCT", 2, "input")


def test_what_sqlglot_logs_while_parsing_becomes_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    result = transpile_sql("SELECT to_number(x, 'FM999') FROM t", "postgres", "duckdb")
    assert any("TO_NUMBER" in w.message for w in result.warnings)
    assert capsys.readouterr().err == ""


def test_a_function_the_target_lacks_is_rejected_where_it_stands_in_the_output() -> None:
    result = transpile_sql("SELECT 1;\nSELECT my_udf(a) FROM t", "bigquery", "postgres")
    [warning] = result.warnings
    assert (warning.code, warning.text, warning.line, warning.column) == ("DEA-SQL-TARGET-REJECTS", "output", 2, 8)
    assert "my_udf" in warning.message and result.rejected


def test_without_a_schema_the_result_says_names_were_not_checked() -> None:
    assert "names and types not checked" in transpile_sql("SELECT a FROM t", "duckdb", "postgres").checked
    assert transpile_sql("SELECT a FROM t", "duckdb", "tsql").checked.startswith("parsed back as tsql")


@pytest.mark.parametrize(
    ("sql", "message", "column"),
    [
        ("SELECT * FROM WHERE x", "line 1, column 15: expected table name but got 'WHERE'", 15),
        ("SELECT a\nFROM t t2 t3 )", "line 2, column 11: unexpected token at 't3'", 11),
        ("SELECT a FROM t WHERE (", "line 1, column 23: incomplete Paren at '('", 23),
    ],
)
def test_unparsable_input_is_a_clean_error_at_the_token(sql: str, message: str, column: int) -> None:
    with pytest.raises(DeassistError) as raised:
        transpile_sql(sql, "postgres", "duckdb")
    assert raised.value.code == "DEA-SQL-SYNTAX" and raised.value.message.startswith(message)
    assert "<Token" not in raised.value.message and "TokenType" not in raised.value.message


def test_a_construct_without_equivalent_is_flagged_where_it_stands() -> None:
    result = transpile_sql("SELECT *\nFROM a ASOF JOIN b ON a.id = b.id", "duckdb", "postgres")
    warning = result.warnings[0]
    assert (warning.line, warning.column, warning.text) == (2, 8, "input") and "ASOF" in warning.message
