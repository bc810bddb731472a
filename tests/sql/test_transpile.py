"""Transpilation never loses a construct in silence."""

from __future__ import annotations

import pytest

from tools.errors import DeassistError
from tools.sql import transpile_sql


def test_lost_format_argument_is_a_warning_with_its_position() -> None:
    result = transpile_sql("SELECT 1;\nSELECT TO_VARCHAR(d, 'YYYY') FROM t", "snowflake", "duckdb")
    assert result.sql == "SELECT 1;\nSELECT CAST(d AS TEXT) FROM t;"
    [warning] = result.warnings
    assert (warning.code, warning.line) == ("DEA-SQL-UNSUPPORTED-CONSTRUCT", 2)


def test_what_sqlglot_logs_while_parsing_becomes_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    result = transpile_sql("SELECT to_number(x, 'FM999') FROM t", "postgres", "duckdb")
    assert any("TO_NUMBER" in w.message for w in result.warnings)
    assert capsys.readouterr().err == ""


def test_unknown_functions_are_flagged_not_assumed() -> None:
    [warning] = transpile_sql("SELECT my_udf(a) FROM t", "bigquery", "postgres").warnings
    assert "my_udf" in warning.message and warning.column == 8


def test_faithful_translation_has_no_warnings() -> None:
    result = transpile_sql("SELECT TOP 2 IIF(a > 1, 'x', 'y') FROM t", "tsql", "duckdb")
    assert result.sql == "SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END FROM t LIMIT 2" and result.warnings == []


def test_unparsable_input_is_an_error_with_a_position() -> None:
    with pytest.raises(DeassistError) as raised:
        transpile_sql("SELECT a FROM t WHERE (", "postgres", "duckdb")
    assert raised.value.code == "DEA-SQL-SYNTAX" and raised.value.message.startswith("line 1")
