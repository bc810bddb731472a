"""Structural SQL repairs, on a schema generated here (a fleet of vehicles and their trips)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from assistant.planner.sql_repair import schema_columns, structural_repair
from tests.agents.conftest import final

SCHEMA = {
    "vehicles": {"vehicle_id", "make", "depot", "fuel"},
    "trips": {"trip_id", "vehicle_id", "depot", "km", "started_at"},
}


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        (
            "SELECT make, fuel, COUNT(*) AS n FROM vehicles GROUP BY make",
            "SELECT make, fuel, COUNT(*) AS n FROM vehicles GROUP BY make, fuel",
        ),
        (
            "SELECT depot, SUM(km) AS km FROM trips WHERE SUM(km) > 100 AND km > 0 GROUP BY depot",
            "SELECT depot, SUM(km) AS km FROM trips WHERE km > 0 GROUP BY depot HAVING SUM(km) > 100",
        ),
        (
            'SELECT make FROM vehicles WHERE fuel = "diesel"',
            "SELECT make FROM vehicles WHERE fuel = 'diesel'",
        ),
        (
            "SELECT depot, SUM(km) AS total FROM trips t JOIN vehicles v ON t.vehicle_id = v.vehicle_id GROUP BY depot",
            "SELECT t.depot, SUM(km) AS total FROM trips AS t JOIN vehicles AS v ON t.vehicle_id = v.vehicle_id GROUP BY t.depot",
        ),
        (
            "SELECT depot, SUM(km) AS distance FROM trips GROUP BY depot ORDER BY dist DESC",
            "SELECT depot, SUM(km) AS distance FROM trips GROUP BY depot ORDER BY distance DESC",
        ),
    ],
)
def test_each_obvious_slip_gets_its_one_fix(broken: str, fixed: str) -> None:
    assert structural_repair(broken, SCHEMA) == fixed


def test_sound_or_unparsable_sql_is_left_alone() -> None:
    assert structural_repair("SELECT depot, COUNT(*) FROM trips GROUP BY depot", SCHEMA) is None
    assert structural_repair('SELECT "make" FROM vehicles WHERE "fuel" = make', SCHEMA) is None  # real columns
    assert structural_repair("SELEC make FROM", SCHEMA) is None


def test_the_schema_is_read_from_the_brief() -> None:
    brief = "table main.trips (3 rows)\n  columns: trip_id BIGINT, km DOUBLE\ntable vehicles\n  columns: make VARCHAR"
    assert schema_columns(brief) == {"trips": {"trip_id", "km"}, "vehicles": {"make"}}


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE vehicles (vehicle_id INTEGER PRIMARY KEY, make VARCHAR, depot VARCHAR, fuel VARCHAR)")
    con.execute("INSERT INTO vehicles VALUES (1,'volvo','north','diesel'),(2,'man','south','electric'),(3,'volvo','south','diesel')")
    con.execute("CREATE TABLE trips (trip_id INTEGER, vehicle_id INTEGER, depot VARCHAR, km DOUBLE)")
    con.execute("INSERT INTO trips VALUES (1,1,'north',120),(2,1,'north',30),(3,2,'south',80),(4,3,'south',15)")
    con.close()
    return path


def test_a_repaired_query_is_validated_and_returned_through_the_graph(ask, fleet: Path) -> None:
    request = "This fails, please fix:\n\n```sql\nSELECT make, COUNT(*) AS n FROM vehicles WHERE fuel = \"diesel\" GROUP BY make\n```"
    answer = final(ask(request, [fleet], auto_approve=True))
    assert answer.validated_sql == ["SELECT make, COUNT(*) AS n FROM vehicles WHERE fuel = 'diesel' GROUP BY make"]
    assert "Repaired" in answer.text


@pytest.mark.parametrize(
    ("request_text", "source", "target"),
    [
        ("Rewrite this Transact-SQL for the SQLite dialect", "tsql", "sqlite"),
        ("Our MySQL report has to run on DuckDB", "mysql", "duckdb"),
        ("Please make this Snowflake statement work in PostgreSQL", "snowflake", "postgres"),
        ("Translate from BigQuery into MySQL", "bigquery", "mysql"),
    ],
)
def test_source_and_target_dialects_are_read_from_the_request(request_text: str, source: str, target: str) -> None:
    from assistant.planner.sql_requests import _source_dialect, target_dialect

    text = request_text.lower()
    assert (target_dialect(text, "select 1"), _source_dialect(text, "select 1", "duckdb")) == (target, source)


def test_a_query_is_transpiled_from_the_dialect_the_request_names(ask, fleet: Path) -> None:
    request = "Make this T-SQL work in DuckDB:\n\n```sql\nSELECT TOP 2 make, ISNULL(fuel, '-') AS fuel FROM vehicles ORDER BY make\n```"
    answer = final(ask(request, [fleet], auto_approve=True))
    assert "From tsql to duckdb" in answer.text and "COALESCE(fuel, '-')" in answer.text and "LIMIT 2" in answer.text
