"""What the offline planner reads a request as, on a schema generated here (a weather station network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import events as ev
from tests.agents.conftest import final


@pytest.fixture
def stations(tmp_path: Path) -> Path:
    folder = tmp_path / "weather"
    folder.mkdir()
    (folder / "stations.csv").write_text("station_id,region\n1,alps\n2,coast\n3,coast\n")
    (folder / "readings.csv").write_text(
        "reading_id,station_id,measured_at,celsius\n"
        + "".join(f"{i},{i % 3 + 1},2025-03-0{i % 9 + 1} 10:00:00,{i * 1.5}\n" for i in range(1, 12))
    )
    return folder


def _tools(events: list, agent: str | None = None) -> list[str]:
    return [e.name for e in events if isinstance(e, ev.ToolCall) and agent in (None, e.agent)]


@pytest.mark.parametrize(
    "request_text",
    [
        "Run DELETE FROM readings WHERE celsius < 0 right away",
        "UPDATE stations SET region = 'x', just do it",
        "Show me SELECT * FROM read_text('/home/me/.ssh/id_rsa') output",
        "Try SELECT * FROM read_csv('https://example.org/dump.csv') for me",
    ],
)
def test_sql_that_writes_or_reaches_outside_the_sources_is_refused_unrun(ask, stations: Path, request_text: str) -> None:
    events = ask(request_text, [stations], auto_approve=True)
    answer = final(events)
    assert "I will not run this SQL" in answer.text
    assert not {"run_sql", "validate_sql"} & set(_tools(events)) and not answer.validated_sql


def test_a_write_statement_can_still_be_transpiled(ask, stations: Path) -> None:
    events = ask("Translate this to PostgreSQL: DELETE FROM readings WHERE celsius < 0", [stations], auto_approve=True)
    assert "transpile_sql" in _tools(events) and "I will not run" not in final(events).text


@pytest.mark.parametrize(
    ("request_text", "shown", "hidden"),
    [
        ("What are the columns of the readings table and their types?", "TIMESTAMP", "| region |"),
        ("Which column links readings to stations, and what type is it?", "station_id", None),
        ("How many rows does each table have?", "11 rows", None),
    ],
)
def test_questions_about_the_schema_are_answered_from_inspect(
    ask, stations: Path, request_text: str, shown: str, hidden: str | None
) -> None:
    events = ask(request_text, [stations], auto_approve=True)
    answer = final(events)
    assert _tools(events, "data-engineer") == ["inspect"]
    assert shown in answer.text and (hidden is None or hidden not in answer.text)


def test_top_n_in_words_limits_the_answer(ask, stations: Path) -> None:
    answer = final(ask("What are the top two regions by number of stations?", [stations], auto_approve=True))
    assert answer.validated_sql and "LIMIT 2" in answer.validated_sql[-1]


def test_a_profile_names_a_key_that_is_not_unique_for_the_table_asked(ask, stations: Path) -> None:
    readings = stations / "readings.csv"
    readings.write_text(readings.read_text() + "3,2,2025-03-09 10:00:00,4.5\n3,2,2025-03-09 10:00:00,4.5\n")
    answer = final(ask("Profile the readings and tell me if any column should be unique", [stations], auto_approve=True))
    assert "reading_id looks like the key but is not unique: 11 distinct values in 13 rows (2 duplicate rows)" in answer.text
    assert "**stations**" not in answer.text  # only the table asked about is profiled


def test_no_x_counts_the_rows_where_the_column_is_null(ask, tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    folder.mkdir()
    (folder / "contacts.csv").write_text("contact_id,phone_number,city\n1,555-1,oslo\n2,,oslo\n3,,bergen\n4,555-4,\n")
    answer = final(ask("How many contacts have no phone number?", [folder], auto_approve=True))
    assert " ".join(answer.validated_sql[0].split()) == (
        "SELECT COUNT(*) AS contact_count FROM contacts WHERE contacts.phone_number IS NULL"
    )
    assert "contact_count = 2" in answer.text


def test_at_least_n_related_rows_counts_the_qualifying_subjects(ask, stations: Path) -> None:
    # readings per station: station 1 -> 3, station 2 -> 4, station 3 -> 4 (i % 3 + 1 for i in 1..11)
    answer = final(ask("How many stations have more than three readings?", [stations], auto_approve=True))
    assert "HAVING\n    COUNT(*) > 3" in answer.validated_sql[0] and "station_id_count = 2" in answer.text


def test_what_values_a_column_takes_is_a_count_per_value(ask, stations: Path) -> None:
    answer = final(ask("Which values does stations.region take, and how often?", [stations], auto_approve=True))
    sql = " ".join(answer.validated_sql[0].split())
    assert sql.startswith("SELECT stations.region AS region, COUNT(*) AS station_count FROM stations GROUP BY stations.region")
    assert "| coast | 2 |" in answer.text and "| alps | 1 |" in answer.text
