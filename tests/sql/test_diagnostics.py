"""Diagnostics driven by a fixture table: query, dialect, verdict, expected codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools.catalog import load_catalog
from tools.sql import Diagnostic, SqlValidator, split_statements, validate_sql

FIXTURES = Path(__file__).with_name("fixtures")
CASES = yaml.safe_load((FIXTURES / "diagnostics.yaml").read_text())
_validators: dict[str, SqlValidator] = {}


def validator(dialect: str) -> SqlValidator:
    if dialect not in _validators:
        _validators[dialect] = SqlValidator(load_catalog([str(FIXTURES / "schema.sql")], dialect), dialect)
    return _validators[dialect]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['dialect']}:{c['sql'][:50]}" for c in CASES])
def test_diagnostics(case: dict) -> None:
    report = validator(case["dialect"]).validate(case["sql"], single_statement=case.get("single", False))
    assert report.valid is case["valid"], report.to_dict()
    assert sorted(d.code for d in report.diagnostics if d.severity != "info") == sorted(case["codes"]), report.to_dict()


def test_unknown_column_points_at_it_and_suggests() -> None:
    sql = "SELECT id,\n       nmae\nFROM customers"
    [diagnostic] = validator("duckdb").validate(sql).diagnostics
    assert (diagnostic.line, diagnostic.column) == (2, 8)
    assert diagnostic.suggestion == "did you mean name?"


def test_postgres_positions_point_into_the_users_text() -> None:
    sql = "SELECT id\nFROM orders\nWHERE YEAR(ordered_at) = 2024"
    [diagnostic] = validator("postgres").validate(sql).diagnostics
    assert (diagnostic.line, diagnostic.column) == (3, 7)


def test_sqlite_misspelt_table_gets_a_suggestion() -> None:
    [unknown] = validator("sqlite").validate("SELECT * FROM ordrs").diagnostics
    assert unknown.code == "DEA-SQL-UNKNOWN-TABLE" and unknown.suggestion == "did you mean orders?"


def test_validation_never_executes_writes() -> None:
    v = validator("duckdb")
    assert v.validate("CREATE TABLE scratch AS SELECT * FROM orders").valid
    assert not v.validate("SELECT * FROM scratch").valid, "the CREATE must not have run"


def test_sandbox_cannot_read_files_or_change_settings(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    v = validator("duckdb")
    report = v.validate(f"SELECT * FROM read_csv('{secret}')")
    assert [d.severity for d in report.diagnostics] == ["warning"]
    import duckdb

    with pytest.raises(duckdb.Error):
        v._sandbox.conn.execute("SET enable_external_access = true")


def test_split_statements_respects_strings_and_comments() -> None:
    assert split_statements("SELECT ';' AS s; -- done;\nSELECT 2;", "duckdb") == [
        "SELECT ';' AS s",
        "-- done;\nSELECT 2",
    ]


def test_diagnostic_round_trips_to_dict() -> None:
    report = validate_sql("SELECT nme FROM customers", load_catalog([str(FIXTURES / "schema.sql")]))
    assert report.to_dict()["diagnostics"][0] == Diagnostic(**report.to_dict()["diagnostics"][0]).to_dict()
    assert report.to_dict()["valid"] is False


def test_postgres_ddl_names_may_have_been_unquoted(tmp_path: Path) -> None:
    ddl = tmp_path / "mixed.sql"
    ddl.write_text('CREATE TABLE Orders (OrderId INT, "Status" TEXT);')
    v = SqlValidator(load_catalog([str(ddl)], "postgres"), "postgres")
    assert v.validate('SELECT orderid, "Status" FROM orders').valid
    assert v.validate('SELECT "OrderId" FROM "Orders"').valid
    [diagnostic] = v.validate('SELECT "ORDERID" FROM orders').diagnostics
    assert diagnostic.code == "DEA-SQL-UNKNOWN-COLUMN"


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_sandbox_creates_only_the_tables_a_statement_names(dialect: str) -> None:
    from tools.catalog.ddl import read_ddl
    from tools.catalog.model import Source

    ddl = (
        "CREATE TABLE ops.maintenance (id INT, machine TEXT); CREATE TABLE machines (id INT); "
        'CREATE TABLE idle (x INT); CREATE TABLE "Sales Per Day" ("Day" DATE)'
    )
    v = SqlValidator(read_ddl(ddl, "duckdb", Source("ddl", "t.sql", "t.sql")), dialect)
    sql = "SELECT m.machine FROM ops.maintenance m JOIN machines s ON s.id = m.id"
    assert v.validate(sql).valid
    v.validate("SELECT m.id FROM ops.maintenance m JOIN machines s ON s.id = m.idd")  # fails: binds in DuckDB
    assert v.validate('SELECT "Day" FROM "Sales Per Day"').valid
    created = {row[0] for row in v._sandbox.conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {name.replace("^", "").lower() for name in created} == {"maintenance", "machines", "sales per day"}
    [missing] = v.validate("SELECT * FROM machine").diagnostics
    assert (missing.code, missing.suggestion) == ("DEA-SQL-UNKNOWN-TABLE", "did you mean machines?")
